'use strict';
// Every variable typed, described and validated; the validations are then run for real by the
// terraform binary (where there is one) on a copy of variables.tf alone: that needs no provider,
// so `terraform init` and `terraform plan` work offline and evaluate each condition.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { loadModule, MODULE_DIR } = require('./lib/hcl');

let mod;
test.before(async () => {
  mod = await loadModule(MODULE_DIR);
});

test('variables: every one is typed, described, and validated (bools by their type)', () => {
  for (const [name, v] of Object.entries(mod.variable)) {
    assert.ok(v.type, `${name}: type`);
    assert.ok(typeof v.description === 'string' && v.description.length > 20, `${name}: description`);
    if (v.type !== '${bool}') assert.ok(Array.isArray(v.validation) && v.validation.length > 0, `${name}: validation`);
    for (const val of v.validation || []) assert.ok(val.error_message.length > 10, `${name}: error message`);
  }
});

test('outputs: every one is described; the required ones exist', () => {
  for (const [name, o] of Object.entries(mod.output)) assert.ok(o.description && o.description.length > 10, `${name}: description`);
  for (const name of ['bucket_name', 'instance_id', 'instance_ids', 'instance_public_ip', 'instance_public_dns', 'ssh_command', 'ansible_inventory', 'queue_url', 'queue_arn', 'dead_letter_queue_url']) {
    assert.ok(mod.output[name], `output ${name}`);
  }
});

// ---- the same validations, evaluated by terraform --------------------------------------------

function terraformBinary() {
  const r = spawnSync('terraform', ['version'], { encoding: 'utf8' });
  return r.status === 0 ? 'terraform' : null;
}

let workDir = null;
const env = { ...process.env, TF_IN_AUTOMATION: '1', TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1', NO_COLOR: '1' };

function plan(vars) {
  const args = ['plan', '-input=false', '-no-color', '-lock=false', '-refresh=false'];
  const file = path.join(workDir, 'case.tfvars.json');
  fs.writeFileSync(file, JSON.stringify(vars));
  args.push(`-var-file=${file}`);
  const r = spawnSync('terraform', args, { cwd: workDir, encoding: 'utf8', env });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

const BASE = { ssh_ingress_cidrs: ['203.0.113.7/32'], key_name: 'existing' };

const ACCEPTED = [
  ['the minimal settings', {}],
  ['a public key file instead of a key name', { key_name: null, public_key_path: '~/.ssh/id_ed25519.pub' }],
  ['Amazon Linux 2023 on arm64', { amazon_linux_version: '2023', architecture: 'arm64', instance_type: 't4g.micro' }],
  ['HTTPS open to everyone when asked for, SSH to two networks', { https_ingress_cidrs: ['0.0.0.0/0'], allow_https_from_internet: true, ssh_ingress_cidrs: ['10.0.0.0/8', '198.51.100.0/24'] }],
  ['HTTPS from a /8 without the opt-in (the SSH bound)', { https_ingress_cidrs: ['10.0.0.0/8'] }],
  ['the operator policy', { create_operator_policy: true }],
  ['no HTTPS at all', { https_ingress_cidrs: [] }],
  ['a KMS key, a bucket name, logging, an endpoint', {
    kms_key_arn: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    bucket_name: 'my-s3proc-bucket', access_log_bucket: 'my-logs', create_s3_vpc_endpoint: true,
    vpc_endpoint_route_table_ids: ['rtb-0123456789abcdef0'],
  }],
  ['queue mode with three workers', { enable_event_queue: true, instance_count: 3 }],
  ['the queue\'s limits', { enable_event_queue: true, queue_visibility_timeout_seconds: 43200, queue_max_receive_count: 1000 }],
  ['the queue\'s lower limits', { enable_event_queue: true, queue_visibility_timeout_seconds: 30, queue_max_receive_count: 1 }],
  ['several workers in listing mode (shard leases)', { instance_count: 2 }],
];

const REFUSED = [
  ['CKV_AWS_24: SSH from 0.0.0.0/0', { ssh_ingress_cidrs: ['0.0.0.0/0'] }, /SSH must not be open to the internet/],
  ['CKV_AWS_24: SSH from a /4', { ssh_ingress_cidrs: ['16.0.0.0/4'] }, /SSH must not be open to the internet/],
  ['no SSH CIDR at all', { ssh_ingress_cidrs: [] }, /at least one CIDR/],
  ['a host address with a prefix that leaves host bits', { ssh_ingress_cidrs: ['203.0.113.7/24'] }, /no host bits set/],
  ['not a CIDR', { ssh_ingress_cidrs: ['my-laptop'] }, /CIDR form/],
  ['an IPv6 CIDR (IPv4 only)', { ssh_ingress_cidrs: ['2001:db8::/32'] }, /IPv4 network/],
  ['a bad HTTPS CIDR', { https_ingress_cidrs: ['1.2.3.4/33'] }, /https_ingress_cidrs/],
  ['HTTPS from 0.0.0.0/0 without allow_https_from_internet', { https_ingress_cidrs: ['0.0.0.0/0'] }, /HTTPS must not be open to the internet/],
  ['HTTPS from a /4 without allow_https_from_internet', { https_ingress_cidrs: ['203.0.113.7/32', '16.0.0.0/4'] }, /HTTPS must not be open to the internet/],
  ['a bad egress CIDR', { egress_cidrs: ['everywhere'] }, /egress_cidrs/],
  ['both key_name and public_key_path', { public_key_path: '~/.ssh/id_ed25519.pub' }, /exactly one of key_name/],
  ['neither key_name nor public_key_path', { key_name: null }, /exactly one of key_name/],
  ['a private key given as the public key', { key_name: null, public_key_path: '~/.ssh/id_ed25519' }, /ending in \.pub/],
  ['the .pub file as the private key', { ssh_private_key_path: '~/.ssh/id_ed25519.pub' }, /not the \.pub file/],
  ['Amazon Linux 1', { amazon_linux_version: '1' }, /"2" or "2023"/],
  ['an unknown architecture', { architecture: 'i386' }, /x86_64/],
  ['a malformed AMI id', { ami_id: 'ubuntu' }, /ami-/],
  ['a malformed instance type', { instance_type: 'micro' }, /FAMILY\.SIZE/],
  ['a root volume smaller than the AMI', { root_volume_size: 4 }, /from 8/],
  ['unlimited-ish credits typo', { cpu_credits: 'unlimted' }, /standard/],
  ['an upper-case bucket name', { bucket_name: 'My_Bucket' }, /valid S3 bucket name/],
  ['a KMS alias instead of a key ARN', { kms_key_arn: 'alias/aws/s3' }, /not an alias/],
  ['zero-day multipart abort', { abort_incomplete_multipart_upload_days: 0 }, /1 to 365/],
  ['fractional noncurrent days', { noncurrent_version_expiration_days: 1.5 }, /whole number/],
  ['a name with capitals', { name: 'S3proc' }, /lower-case/],
  ['an aws: tag key', { tags: { 'aws:owner': 'x' } }, /aws:/],
  ['a malformed subnet id', { subnet_id: 'default' }, /subnet-/],
  ['a malformed route table id', { vpc_endpoint_route_table_ids: ['main'] }, /rtb-/],
  ['a non-YAML inventory path', { ansible_inventory_path: 'inventory.ini' }, /\.yml/],
  ['a bad access log bucket', { access_log_bucket: 'Logs!' }, /valid S3 bucket name/],
  ['a bad access log prefix', { access_log_prefix: 'a b' }, /access_log_prefix/],
  ['a bad KMS key ARN for EBS', { ebs_kms_key_arn: 'key' }, /ebs_kms_key_arn/],
  ['no instance at all', { instance_count: 0 }, /instance_count must be a whole number from 1 to 100/],
  ['half an instance', { instance_count: 1.5 }, /instance_count must be a whole number/],
  ['a fleet past the bound', { instance_count: 101 }, /from 1 to 100/],
  ['a visibility timeout under 30 s', { queue_visibility_timeout_seconds: 10 }, /from 30 to 43200/],
  ['a visibility timeout over 12 hours', { queue_visibility_timeout_seconds: 43201 }, /from 30 to 43200/],
  ['a fractional visibility timeout', { queue_visibility_timeout_seconds: 60.5 }, /queue_visibility_timeout_seconds must be a whole number/],
  ['maxReceiveCount 0', { queue_max_receive_count: 0 }, /from 1 to 1000/],
  ['maxReceiveCount over 1000', { queue_max_receive_count: 1001 }, /from 1 to 1000/],
];

test('validations evaluated by terraform: good settings accepted, bad ones refused', async (t) => {
  if (!terraformBinary()) {
    t.skip('terraform not installed: validations checked only structurally');
    return;
  }
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-variables-'));
  try {
    fs.copyFileSync(path.join(MODULE_DIR, 'variables.tf'), path.join(workDir, 'variables.tf'));
    const init = spawnSync('terraform', ['init', '-backend=false', '-input=false', '-no-color'], { cwd: workDir, encoding: 'utf8', env });
    assert.equal(init.status, 0, init.stdout + init.stderr);
    for (const [what, vars] of ACCEPTED) {
      await t.test(`accepts ${what}`, () => {
        const r = plan({ ...BASE, ...vars });
        assert.ok(r.ok, r.out);
      });
    }
    for (const [what, vars, message] of REFUSED) {
      await t.test(`refuses ${what}`, () => {
        const r = plan({ ...BASE, ...vars });
        assert.ok(!r.ok, `accepted: ${JSON.stringify(vars)}`);
        assert.match(r.out, /Invalid value for variable/);
        assert.match(r.out.replace(/[\s│]+/g, ' '), message);
      });
    }
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
});
