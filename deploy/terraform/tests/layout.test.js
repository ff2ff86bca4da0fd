'use strict';
// The terraform-aws-modules layout: versions.tf, variables.tf, outputs.tf, resources split by
// concern, examples/complete calling the module with source = "../../", tfvars examples, README.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { loadModule, parseFile, MODULE_DIR, EXAMPLE_DIR } = require('./lib/hcl');

let mod;
let example;
test.before(async () => {
  mod = await loadModule(MODULE_DIR);
  example = await loadModule(EXAMPLE_DIR);
});

test('layout: the expected files are there', () => {
  for (const f of ['versions.tf', 'variables.tf', 'outputs.tf', 'locals.tf', 'README.md', 'terraform.tfvars.example', '.gitignore',
    'templates/inventory.yml.tftpl', 'sqs.tf', 'examples/complete/main.tf', 'examples/complete/variables.tf', 'examples/complete/outputs.tf',
    'examples/complete/versions.tf', 'examples/complete/terraform.tfvars.example', 'examples/complete/README.md']) {
    assert.ok(fs.existsSync(path.join(MODULE_DIR, f)), f);
  }
});

test('layout: resources are split by concern, one file each', () => {
  const home = {
    's3.tf': /^aws_s3_(?!bucket_notification$)/, 'sqs.tf': /^aws_sqs_|^aws_s3_bucket_notification$/, 'iam.tf': /^aws_iam_/, 'ec2.tf': /^aws_instance$/, 'key_pair.tf': /^aws_key_pair$/,
    'security_group.tf': /^aws_(security_group|vpc_security_group_\w+_rule)$/, 'vpc_endpoint.tf': /^aws_vpc_endpoint$/,
    'ansible.tf': /^terraform_data$/,
  };
  for (const [key, file] of Object.entries(mod.where.resource)) {
    const type = key.split('.')[0];
    const expectFile = Object.keys(home).find((f) => home[f].test(type));
    assert.equal(file, expectFile, `${key} lives in ${expectFile}`);
  }
  for (const f of ['variables.tf', 'outputs.tf', 'versions.tf']) {
    const parsed = mod.files[f];
    assert.ok(!parsed.resource && !parsed.data, `${f} holds no resources`);
  }
  assert.deepEqual(Object.keys(mod.where.variable).map((v) => mod.where.variable[v]).filter((f) => f !== 'variables.tf'), []);
  assert.deepEqual(Object.keys(mod.where.output).map((v) => mod.where.output[v]).filter((f) => f !== 'outputs.tf'), []);
  assert.deepEqual(mod.provider, {}, 'a module configures no provider (the example does)');
});

function checkVersions(m, where) {
  const tf = m.terraform[0];
  assert.match(tf.required_version, />= 1\.\d+\.\d+, < 2\.0\.0/, `${where}: Terraform pinned to a range`);
  const rp = tf.required_providers[0];
  assert.deepEqual(Object.keys(rp), ['aws'], `${where}: hashicorp/aws is the only provider (nothing else to download)`);
  assert.equal(rp.aws.source, 'hashicorp/aws');
  // 5.100 (the offline mirror tests/apply uses) and every 6.x.
  assert.equal(rp.aws.version, '>= 5.100.0, < 7.0.0', `${where}: aws provider from 5.100 up to, not including, 7`);
}

test('versions.tf: Terraform and the providers pinned to ranges (module and example)', () => {
  assert.equal(Object.keys(mod.files['versions.tf']).join(), 'terraform');
  checkVersions(mod, 'module');
  checkVersions(example, 'example');
});

// The lock file pins what `terraform init` installs; tests/apply inits with -lockfile=readonly, so
// it must match the mirror too.
test('examples/complete/.terraform.lock.hcl: committed, hashicorp/aws only, a version within the constraint, with checksums', () => {
  const file = path.join(EXAMPLE_DIR, '.terraform.lock.hcl');
  assert.ok(fs.existsSync(file), 'examples/complete/.terraform.lock.hcl exists');
  const text = fs.readFileSync(file, 'utf8');
  const providers = [...text.matchAll(/^provider "([^"]+)" \{/gm)].map((m) => m[1]);
  assert.deepEqual(providers, ['registry.terraform.io/hashicorp/aws']);
  const version = text.match(/^\s*version\s*=\s*"(\d+)\.(\d+)\.(\d+)"/m);
  assert.ok(version, 'a version');
  const [major, minor] = [Number(version[1]), Number(version[2])];
  assert.ok((major === 5 && minor >= 100) || major === 6, `${version[0].trim()} is within >= 5.100, < 7`);
  assert.match(text, /^\s*constraints\s*=\s*">= 5\.100\.0, < 7\.0\.0"/m, 'recorded with the constraint of versions.tf');
  assert.match(text, /"h1:[A-Za-z0-9+/]{43}="/, 'an h1: checksum');
  const ignored = spawnSync('git', ['-C', MODULE_DIR, 'check-ignore', '-q', file]);
  assert.notEqual(ignored.status, 0, 'not git-ignored');
});

test('examples/complete: calls the module with source "../../", passing only and all its variables', () => {
  const call = example.module.s3proc;
  assert.equal(call.source, '../../');
  const args = Object.keys(call).filter((k) => k !== 'source');
  for (const a of args) assert.ok(mod.variable[a], `module has a variable ${a}`);
  assert.deepEqual(args.sort(), Object.keys(mod.variable).sort(), 'every module variable is exposed by the example');
  for (const a of args) assert.equal(call[a], `\${var.${a}}`);
  for (const o of Object.keys(example.output)) assert.ok(example.output[o].description, `${o} described`);
});

test('examples/complete: pass-through variables are identical to the module\'s', () => {
  for (const [name, v] of Object.entries(mod.variable)) assert.deepEqual(example.variable[name], v, name);
  assert.deepEqual(Object.keys(example.variable).filter((v) => !mod.variable[v]).sort(), ['environment', 'region']);
});

async function tfvarsKeys(file) {
  const copy = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tfvars-')), 'x.tfvars');
  fs.copyFileSync(file, copy);
  try {
    return { keys: Object.keys(await parseFile(copy)), copy };
  } catch (e) {
    fs.rmSync(path.dirname(copy), { recursive: true, force: true });
    throw e;
  }
}

test('terraform.tfvars.example (module and example): parses, sets only declared variables, is formatted', async () => {
  const hasTf = spawnSync('terraform', ['version']).status === 0;
  for (const [file, m] of [[path.join(MODULE_DIR, 'terraform.tfvars.example'), mod], [path.join(EXAMPLE_DIR, 'terraform.tfvars.example'), example]]) {
    const { keys, copy } = await tfvarsKeys(file);
    try {
      for (const k of keys) assert.ok(m.variable[k], `${file}: ${k} is a declared variable`);
      assert.ok(keys.includes('ssh_ingress_cidrs'), `${file} sets the one required variable`);
      if (hasTf) {
        const r = spawnSync('terraform', ['fmt', '-check', '-diff', copy], { encoding: 'utf8', env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null' } });
        assert.equal(r.status, 0, `${file} is not formatted:\n${r.stdout}`);
      }
    } finally {
      fs.rmSync(path.dirname(copy), { recursive: true, force: true });
    }
  }
});

test('README: inputs and outputs tables list every variable and output', () => {
  const readme = fs.readFileSync(path.join(MODULE_DIR, 'README.md'), 'utf8');
  const inputs = readme.slice(readme.indexOf('## Inputs'), readme.indexOf('## Outputs'));
  const outputs = readme.slice(readme.indexOf('## Outputs'));
  assert.ok(inputs.length > 10 && outputs.length > 10, 'README has ## Inputs then ## Outputs');
  for (const v of Object.keys(mod.variable)) assert.match(inputs, new RegExp(`^\\| \`${v}\` \\|`, 'm'), `input ${v}`);
  for (const o of Object.keys(mod.output)) assert.match(outputs, new RegExp(`^\\| \`${o}\` \\|`, 'm'), `output ${o}`);
  const rows = (s) => s.split('\n').filter((l) => /^\| `/.test(l)).length;
  assert.equal(rows(inputs), Object.keys(mod.variable).length, 'no stale input rows');
});

test('README: init/plan/apply/destroy, free-tier cost, the Amazon Linux 2 end of support, the rules checked', () => {
  const readme = fs.readFileSync(path.join(MODULE_DIR, 'README.md'), 'utf8');
  for (const s of ['terraform init', 'terraform plan', 'terraform apply', 'terraform destroy', 'free tier', '2026-06-30', 'amazon_linux_version = "2023"', 'tests/run']) {
    assert.ok(readme.includes(s), `README mentions ${s}`);
  }
  const ruleIds = new Set();
  for (const f of fs.readdirSync(__dirname).filter((x) => x.endsWith('.test.js'))) {
    const src = fs.readFileSync(path.join(__dirname, f), 'utf8');
    for (const m of src.matchAll(/test\('([^']*)'/g)) for (const id of m[1].matchAll(/CKV2?_AWS_\d+/g)) ruleIds.add(id[0]);
  }
  for (const id of ruleIds) assert.ok(readme.includes(id), `README lists ${id}`);
});
