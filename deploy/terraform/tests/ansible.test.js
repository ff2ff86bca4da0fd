'use strict';
// The hand-off to Ansible: the generated inventory fits deploy/ansible/site.yml (group "s3proc",
// the host variables the s3proc role reads), and the optional playbook run is off by default.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync, spawnSync } = require('node:child_process');
const { loadModule, MODULE_DIR, block } = require('./lib/hcl');
const { isRef } = require('./lib/expr');

const TEMPLATE = path.join(MODULE_DIR, 'templates', 'inventory.yml.tftpl');
const SITE_YML = path.join(MODULE_DIR, '..', 'ansible', 'site.yml');
const HOST_VARS = ['ansible_host', 'ansible_user', 'ansible_ssh_private_key_file', 's3proc_bucket', 's3proc_region', 's3proc_input_prefix', 's3proc_output_prefix', 's3proc_error_prefix', 's3proc_queue_url'];

let mod;
test.before(async () => {
  mod = await loadModule(MODULE_DIR);
});

// The templatefile() call's variables: "name = expr" lines of its object argument.
function templateArgs() {
  const call = mod.locals.ansible_inventory;
  assert.match(call, /^\$\{templatefile\("\$\{path\.module\}\/templates\/inventory\.yml\.tftpl", \{/);
  return Object.fromEntries([...call.matchAll(/^\s*(\w+)\s*=\s*(.+)$/gm)].map((m) => [m[1], m[2].trim()]));
}

// Renders the template with Terraform's own templatefile() (`terraform console`, which needs no
// provider and no configuration); null when there is no terraform binary.
function render(vars) {
  if (spawnSync('terraform', ['version'], { encoding: 'utf8' }).status !== 0) return null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-render-'));
  try {
    // A JSON object is also an HCL object constructor.
    const r = spawnSync('terraform', ['console'], {
      cwd: dir, encoding: 'utf8', input: `templatefile(${JSON.stringify(TEMPLATE)}, ${JSON.stringify(vars)})\n`,
      env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1', NO_COLOR: '1' },
    });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const m = r.stdout.match(/^<<EOT\n([\s\S]*)\nEOT\n?$/);
    assert.ok(m, `terraform console printed a heredoc: ${r.stdout}`);
    return m[1];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const COMMON = {
  ansible_user: 'ec2-user',
  ansible_ssh_private_key_file: '~/.ssh/id_ed25519',
  s3proc_bucket: 's3proc-20250101abcdef',
  s3proc_region: 'eu-west-1',
  s3proc_input_prefix: 'input/',
  s3proc_output_prefix: 'output/',
  s3proc_error_prefix: 'errors/',
  s3proc_queue_url: '',
};
const SAMPLE = { hosts: [{ name: 's3proc-1', address: '203.0.113.10' }], ...COMMON };
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/111122223333/s3proc-events-20250101abcdef';
const FLEET = {
  ...COMMON,
  hosts: [{ name: 's3proc-1', address: '203.0.113.10' }, { name: 's3proc-2', address: '203.0.113.11' }, { name: 's3proc-3', address: '10.0.0.12' }],
  s3proc_queue_url: QUEUE_URL,
};
const templateVars = () => [...new Set([...fs.readFileSync(TEMPLATE, 'utf8').matchAll(/\$\{(?:jsonencode\(([\w.]+)\)|([\w.]+))\}/g)].map((m) => (m[1] || m[2]).split('.')[0]))].sort();

test('inventory: the template uses exactly the variables templatefile() passes', () => {
  const passed = Object.keys(templateArgs()).sort();
  assert.deepEqual(templateVars(), passed.filter((v) => v !== 'hosts').concat('host').sort(), 'every variable but the host list is used directly; the loop variable is host');
  assert.match(fs.readFileSync(TEMPLATE, 'utf8'), /^%\{ for host in hosts ~\}$/m, 'one entry per host');
  assert.deepEqual(Object.keys(SAMPLE).sort(), passed);
});

test('inventory: host vars come from the instances, the bucket, the module prefixes and the queue', () => {
  const a = templateArgs();
  assert.equal(a.hosts, 'local.ansible_hosts');
  // One host per instance, named <name>-1 .. <name>-N, at its public address (private without one).
  assert.match(mod.locals.ansible_hosts, /for i, inst in aws_instance\.this : \{/);
  assert.match(mod.locals.ansible_hosts, /name += "\$\{var\.name\}-\$\{i \+ 1\}"/);
  assert.match(mod.locals.ansible_hosts, /address = coalesce\(inst\.public_ip, inst\.private_ip\)/);
  assert.equal(mod.locals.ansible_host, '${local.ansible_hosts[0].address}');
  assert.equal(a.ansible_user, 'local.ssh_user');
  assert.equal(mod.locals.ssh_user, 'ec2-user');
  assert.equal(a.ansible_ssh_private_key_file, 'var.ssh_private_key_path');
  assert.equal(a.s3proc_bucket, 'aws_s3_bucket.this.id');
  // The bucket's region: an attribute of aws_s3_bucket in provider 5.x and 6.x alike
  // (data.aws_region has .region only in 6.x, and .name is deprecated there).
  assert.equal(a.s3proc_region, 'aws_s3_bucket.this.region');
  assert.equal(a.s3proc_input_prefix, 'local.prefixes.input');
  assert.equal(a.s3proc_output_prefix, 'local.prefixes.output');
  assert.equal(a.s3proc_error_prefix, 'local.prefixes.errors');
  // The queue's URL, empty without the queue (the role then writes no queue_url: listing mode).
  assert.equal(a.s3proc_queue_url, 'local.queue_url');
  assert.equal(mod.locals.queue_url, '${var.enable_event_queue ? aws_sqs_queue.events[0].url : ""}');
  // No visibility timeout: s3proc reads the queue's own at start; the role passes one only when
  // the user sets s3proc_queue_visibility_seconds.
  assert.equal(a.s3proc_queue_visibility_seconds, undefined);
});

function hostVarLines(text, vars, host) {
  const block = text.slice(text.indexOf(`\n        ${host.name}:\n`));
  const expectVars = { ansible_host: host.address, ...vars };
  delete expectVars.hosts;
  for (const [v, value] of Object.entries(expectVars)) {
    const want = typeof value === 'number' ? String(value) : JSON.stringify(value);
    assert.ok(block.includes(`\n          ${v}: ${want}\n`), `${host.name}: ${v}: ${want}`);
  }
}

test('inventory: the rendered file puts every host in group s3proc with every host var (skipped without terraform)', (t) => {
  const text = render(SAMPLE);
  if (text === null) {
    t.skip('terraform not installed');
    return;
  }
  assert.match(text, /^all:\n {2}children:\n {4}s3proc:\n {6}hosts:\n {8}s3proc-1:\n/m);
  hostVarLines(text, SAMPLE, SAMPLE.hosts[0]);
  const fleet = render(FLEET);
  for (const host of FLEET.hosts) hostVarLines(fleet, FLEET, host);
});

test('inventory: ansible-inventory reads the rendered file, one host or three with the queue (skipped without ansible or terraform)', (t) => {
  let found = true;
  try {
    execFileSync('ansible-inventory', ['--version'], { stdio: 'ignore' });
  } catch {
    found = false;
  }
  const texts = found ? [render(SAMPLE), render(FLEET)] : [null];
  if (!found || texts[0] === null) {
    t.skip(found ? 'terraform not installed' : 'ansible-inventory not installed');
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-inventory-'));
  try {
    [SAMPLE, FLEET].forEach((vars, i) => {
      const file = path.join(dir, `inventory-${i}.yml`);
      fs.writeFileSync(file, texts[i]);
      fs.writeFileSync(path.join(dir, 'ansible.cfg'), '[defaults]\n');
      const out = JSON.parse(execFileSync('ansible-inventory', ['-i', file, '--list'], { encoding: 'utf8', env: { ...process.env, ANSIBLE_CONFIG: path.join(dir, 'ansible.cfg'), ANSIBLE_INVENTORY_UNPARSED_FAILED: 'true' } }));
      assert.deepEqual(out.s3proc.hosts, vars.hosts.map((h) => h.name));
      for (const host of vars.hosts) {
        const hv = out._meta.hostvars[host.name];
        assert.equal(hv.ansible_host, host.address, `${host.name}: ansible_host`);
        for (const v of HOST_VARS.filter((x) => x !== 'ansible_host')) assert.deepEqual(hv[v], vars[v], `${host.name}: ${v}`);
      }
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('inventory: an output (no file written by the module, so no hashicorp/local provider)', () => {
  assert.ok(isRef(mod.output.ansible_inventory.value, 'local.ansible_inventory'));
  assert.match(mod.output.ansible_inventory.description, /terraform output -raw ansible_inventory > inventory\.yml/);
  assert.ok(!('local_file' in mod.resource), 'no local_file');
  assert.match(mod.locals.ansible_inventory_path, /\$\{path\.module\}\/inventory\.yml/);
});

test('playbook run: off by default; waits for SSH, then runs ../ansible/site.yml from the module folder', () => {
  assert.equal(mod.variable.run_ansible_playbook.default, false);
  const run = mod.resource.terraform_data.ansible_playbook;
  assert.equal(run.count, '${var.run_ansible_playbook ? 1 : 0}');
  // The parser groups provisioners by type, so their order is read from the source text.
  const src = fs.readFileSync(path.join(MODULE_DIR, 'ansible.tf'), 'utf8');
  const remote = src.indexOf('provisioner "remote-exec"');
  assert.ok(remote > 0 && remote < src.indexOf('provisioner "local-exec"'), 'remote-exec first: waits until the host answers on SSH');
  const conn = block(run, 'connection');
  assert.ok(isRef(conn.host, 'local.ansible_host'));
  const local = run.provisioner['local-exec'][0];
  assert.ok(isRef(local.working_dir, 'path.module'));
  // It writes the inventory (temp name, then rename) and runs the playbook with it.
  assert.ok(isRef(local.environment.S3PROC_INVENTORY, 'local.ansible_inventory'));
  assert.ok(isRef(local.environment.S3PROC_INVENTORY_PATH, 'abspath(local.ansible_inventory_path)'));
  assert.match(local.command, /printf '%s' "\$S3PROC_INVENTORY" > "\$S3PROC_INVENTORY_PATH\.tmp" && mv "\$S3PROC_INVENTORY_PATH\.tmp" "\$S3PROC_INVENTORY_PATH" && ansible-playbook -i "\$S3PROC_INVENTORY_PATH" \.\.\/ansible\/site\.yml$/);
  assert.ok(local.environment.ANSIBLE_CONFIG.includes('../ansible/ansible.cfg'));
  assert.ok(run.triggers_replace.includes('${sha256(local.ansible_inventory)}'), 'runs again when the inventory changes');
  assert.ok(run.triggers_replace.includes('${aws_instance.this[*].id}'), 'and when an instance is added or replaced');
});

test('playbook: deploy/ansible/site.yml targets the s3proc group (skipped until it exists)', (t) => {
  if (!fs.existsSync(SITE_YML)) {
    t.skip(`${SITE_YML} not there yet`);
    return;
  }
  assert.match(fs.readFileSync(SITE_YML, 'utf8'), /^\s*(- )?hosts:\s*s3proc\s*$/m);
});
