'use strict';
// The instance, its AMI and key pair.
const test = require('node:test');
const assert = require('node:assert/strict');
const { loadModule, MODULE_DIR, block } = require('./lib/hcl');
const { isRef } = require('./lib/expr');

let mod;
let inst;
test.before(async () => {
  mod = await loadModule(MODULE_DIR);
  inst = mod.resource.aws_instance.this;
});

test('instance: t3.micro by default', () => {
  assert.ok(isRef(inst.instance_type, 'var.instance_type'));
  assert.equal(mod.variable.instance_type.default, 't3.micro');
});

test('AMI: latest Amazon Linux 2 from the public SSM parameter by default', () => {
  assert.ok(isRef(inst.ami, 'local.ami_id'));
  assert.equal(mod.locals.ami_id, '${var.ami_id != null ? var.ami_id : data.aws_ssm_parameter.ami[0].insecure_value}');
  const ssm = mod.data.aws_ssm_parameter.ami;
  assert.ok(isRef(ssm.name, 'local.ami_ssm_parameter'));
  assert.equal(mod.variable.amazon_linux_version.default, '2');
  // The architecture follows the instance type unless set: arm64 for Graviton types.
  assert.equal(mod.variable.architecture.default, null);
  assert.match(mod.locals.architecture, /coalesce\(var\.architecture, .*local\.type_architectures.*"x86_64".*"arm64"/);
  assert.equal(mod.locals.type_architectures, '${data.aws_ec2_instance_type.this.supported_architectures}');
  assert.ok(isRef(mod.locals.ami_ssm_parameter, 'local.ami_ssm_parameters[var.amazon_linux_version][local.architecture]'));
  const params = mod.locals.ami_ssm_parameters;
  assert.equal(params['2'].x86_64, '/aws/service/ami-amazon-linux-latest/amzn2-ami-kernel-5.10-hvm-x86_64-gp2');
  for (const p of Object.values(params).flatMap((byArch) => Object.values(byArch))) {
    assert.match(p, /^\/aws\/service\/ami-amazon-linux-latest\//, 'only Amazon-owned public parameters');
  }
});

test('AMI: Amazon Linux 2023 is one variable away (amazon_linux_version = "2023")', () => {
  assert.equal(mod.locals.ami_ssm_parameters['2023'].x86_64, '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64');
  const cond = mod.variable.amazon_linux_version.validation[0].condition;
  assert.match(cond, /"2", "2023"/);
  assert.match(mod.variable.amazon_linux_version.description, /2026-06-30/, 'the end-of-support date is stated');
});

test('AMI: a newer AMI never replaces the running instance silently', () => {
  const lc = block(inst, 'lifecycle');
  assert.deepEqual(lc.ignore_changes, ['${ami}']);
});

test('CKV_AWS_79: IMDSv2 required; CKV_AWS_341: metadata hop limit 1', () => {
  const md = block(inst, 'metadata_options');
  assert.equal(md.http_tokens, 'required');
  assert.equal(md.http_put_response_hop_limit, 1);
  assert.equal(md.http_endpoint, 'enabled');
});

test('CKV_AWS_8: root volume encrypted gp3, deleted with the instance', () => {
  const root = block(inst, 'root_block_device');
  assert.equal(root.encrypted, true);
  assert.equal(root.volume_type, 'gp3');
  assert.equal(root.delete_on_termination, true);
  assert.ok(isRef(root.volume_size, 'var.root_volume_size'));
  assert.ok(mod.variable.root_volume_size.default <= 30, 'within the 30 GiB free tier');
  assert.ok(!('ebs_block_device' in inst), 'no extra unencrypted volumes');
});

test('CKV2_AWS_41: the instance has the IAM instance profile of the s3proc role', () => {
  assert.ok(isRef(inst.iam_instance_profile, 'aws_iam_instance_profile.this.name'));
  const profile = mod.resource.aws_iam_instance_profile.this;
  assert.ok(isRef(profile.role, 'aws_iam_role.this.name'));
});

test('CKV_AWS_135 / CKV_AWS_126: EBS-optimized where the type allows it; detailed monitoring available, off by default (billed)', () => {
  // t3 always is (true is accepted); EC2 refuses true on a t2.micro, the fallback free-tier type.
  assert.equal(inst.ebs_optimized, '${data.aws_ec2_instance_type.this.ebs_optimized_support != "unsupported"}');
  assert.ok(isRef(mod.data.aws_ec2_instance_type.this.instance_type, 'var.instance_type'));
  assert.ok(isRef(inst.monitoring, 'var.detailed_monitoring'));
  assert.equal(mod.variable.detailed_monitoring.default, false);
});

test('cost: burstable credits "standard" by default, so a t3.micro never bills surplus CPU', () => {
  assert.ok(isRef(block(inst, 'credit_specification').cpu_credits, 'var.cpu_credits'));
  assert.equal(mod.variable.cpu_credits.default, 'standard');
});

test('CKV_AWS_46: no user data (no secrets on the instance; Ansible configures it)', () => {
  for (const k of ['user_data', 'user_data_base64']) assert.ok(!(k in inst));
});

test('key pair: an existing key_name or an imported public key file, exactly one, attached', () => {
  assert.ok(isRef(inst.key_name, 'local.key_name'));
  assert.equal(mod.locals.key_name, '${var.public_key_path == null ? var.key_name : aws_key_pair.this[0].key_name}');
  const kp = mod.resource.aws_key_pair.this;
  assert.equal(kp.count, '${var.public_key_path == null ? 0 : 1}');
  assert.equal(kp.public_key, '${trimspace(file(pathexpand(var.public_key_path)))}');
  const conds = mod.variable.public_key_path.validation.map((v) => v.condition);
  assert.ok(conds.includes('${(var.key_name == null) != (var.public_key_path == null)}'), 'exactly one of the two');
  const pre = block(inst, 'lifecycle').precondition[0];
  assert.equal(pre.condition, '${local.key_name != null}');
});

test('network: instance in the chosen (or a default) subnet with the module security group', () => {
  assert.ok(isRef(inst.subnet_id, 'data.aws_subnet.selected.id'));
  assert.deepEqual(inst.vpc_security_group_ids, ['${aws_security_group.this.id}']);
  assert.ok(isRef(inst.associate_public_ip_address, 'var.associate_public_ip_address'));
});

test('fleet: instance_count identical instances (one role, profile, group, key pair), 1 by default; the old address moved to [0]', () => {
  assert.ok(isRef(inst.count, 'var.instance_count'));
  assert.equal(mod.variable.instance_count.default, 1);
  assert.ok(!('for_each' in inst));
  // Nothing in the instance depends on its index but its Name tag.
  const perIndex = Object.entries(inst).filter(([, v]) => JSON.stringify(v).includes('count.index')).map(([k]) => k);
  assert.deepEqual(perIndex, ['tags']);
  assert.equal(inst.tags, '${merge(local.tags, { Name = "${var.name}-${count.index + 1}" })}');
  const moved = mod.files['ec2.tf'].moved;
  assert.deepEqual(moved, [{ from: '${aws_instance.this}', to: '${aws_instance.this[0]}' }]);
  // Outputs: the first instance under the old names, every instance in the list ones.
  assert.equal(mod.output.instance_id.value, '${aws_instance.this[0].id}');
  assert.equal(mod.output.instance_ids.value, '${aws_instance.this[*].id}');
  assert.equal(mod.output.instance_public_ips.value, '${aws_instance.this[*].public_ip}');
});
