'use strict';
// The hand-off to Ansible: the generated inventory fits deploy/ansible/site.yml (group "s3proc",
// the host variables the s3proc role reads), and the optional playbook run is off by default.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { loadModule, MODULE_DIR, block } = require('./lib/hcl');
const { isRef } = require('./lib/expr');

const TEMPLATE = path.join(MODULE_DIR, 'templates', 'inventory.yml.tftpl');
const SITE_YML = path.join(MODULE_DIR, '..', 'ansible', 'site.yml');
const HOST_VARS = ['ansible_host', 'ansible_user', 'ansible_ssh_private_key_file', 's3proc_bucket', 's3proc_region', 's3proc_input_prefix', 's3proc_output_prefix', 's3proc_error_prefix'];

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

// Renders the template the way templatefile() does for the ${x} and ${jsonencode(x)} forms it uses.
function render(vars) {
  const text = fs.readFileSync(TEMPLATE, 'utf8');
  return text.replace(/\$\{(?:jsonencode\((\w+)\)|(\w+))\}/g, (whole, enc, plain) => {
    const name = enc || plain;
    assert.ok(name in vars, `template variable ${name} is passed`);
    return enc ? JSON.stringify(vars[name]) : String(vars[name]);
  });
}

const SAMPLE = {
  host_name: 's3proc-1',
  ansible_host: '203.0.113.10',
  ansible_user: 'ec2-user',
  ansible_ssh_private_key_file: '~/.ssh/id_ed25519',
  s3proc_bucket: 's3proc-20250101abcdef',
  s3proc_region: 'eu-west-1',
  s3proc_input_prefix: 'input/',
  s3proc_output_prefix: 'output/',
  s3proc_error_prefix: 'errors/',
};

test('inventory: the template uses exactly the variables templatefile() passes', () => {
  const passed = Object.keys(templateArgs()).sort();
  const used = [...new Set([...fs.readFileSync(TEMPLATE, 'utf8').matchAll(/\$\{(?:jsonencode\((\w+)\)|(\w+))\}/g)].map((m) => m[1] || m[2]))].sort();
  assert.deepEqual(used, passed);
  assert.deepEqual(Object.keys(SAMPLE).sort(), passed);
});

test('inventory: host vars come from the instance, the bucket and the module prefixes', () => {
  const a = templateArgs();
  assert.equal(a.ansible_host, 'local.ansible_host');
  assert.equal(mod.locals.ansible_host, '${coalesce(aws_instance.this.public_ip, aws_instance.this.private_ip)}');
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
});

test('inventory: the rendered file puts the host in group s3proc with every host var', () => {
  const text = render(SAMPLE);
  assert.match(text, /^all:\n {2}children:\n {4}s3proc:\n {6}hosts:\n {8}s3proc-1:\n/m);
  for (const v of HOST_VARS) assert.match(text, new RegExp(`^ {10}${v}: "${SAMPLE[v].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"$`, 'm'), v);
});

test('inventory: ansible-inventory reads the rendered file (skipped without ansible)', (t) => {
  let found = true;
  try {
    execFileSync('ansible-inventory', ['--version'], { stdio: 'ignore' });
  } catch {
    found = false;
  }
  if (!found) {
    t.skip('ansible-inventory not installed');
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-inventory-'));
  try {
    const file = path.join(dir, 'inventory.yml');
    fs.writeFileSync(file, render(SAMPLE));
    fs.writeFileSync(path.join(dir, 'ansible.cfg'), '[defaults]\n');
    const out = JSON.parse(execFileSync('ansible-inventory', ['-i', file, '--list'], { encoding: 'utf8', env: { ...process.env, ANSIBLE_CONFIG: path.join(dir, 'ansible.cfg'), ANSIBLE_INVENTORY_UNPARSED_FAILED: 'true' } }));
    assert.deepEqual(out.s3proc.hosts, ['s3proc-1']);
    const hv = out._meta.hostvars['s3proc-1'];
    for (const v of HOST_VARS) assert.equal(hv[v], SAMPLE[v], v);
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
});

test('playbook: deploy/ansible/site.yml targets the s3proc group (skipped until it exists)', (t) => {
  if (!fs.existsSync(SITE_YML)) {
    t.skip(`${SITE_YML} not there yet`);
    return;
  }
  assert.match(fs.readFileSync(SITE_YML, 'utf8'), /^\s*(- )?hosts:\s*s3proc\s*$/m);
});
