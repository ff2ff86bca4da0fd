'use strict';
// Security group and the optional S3 gateway endpoint.
const test = require('node:test');
const assert = require('node:assert/strict');
const { loadModule, MODULE_DIR } = require('./lib/hcl');
const { isRef } = require('./lib/expr');

let mod;
test.before(async () => {
  mod = await loadModule(MODULE_DIR);
});

const ingress = () => mod.resource.aws_vpc_security_group_ingress_rule;
const egress = () => mod.resource.aws_vpc_security_group_egress_rule;

test('security group: ingress on exactly ports 22 and 443, TCP', () => {
  const ports = Object.values(ingress()).map((r) => [r.from_port, r.to_port, r.ip_protocol]);
  assert.deepEqual(ports.sort(), [[22, 22, 'tcp'], [443, 443, 'tcp']]);
  assert.ok(!('ingress' in mod.resource.aws_security_group.this), 'rules are separate resources, not inline');
  assert.ok(!('aws_security_group_rule' in mod.resource), 'one rule resource kind (aws_vpc_security_group_*_rule)');
});

test('CKV_AWS_24: SSH only from the CIDRs the user sets, no default, never 0.0.0.0/0', () => {
  const ssh = ingress().ssh;
  assert.ok(isRef(ssh.for_each, 'toset(var.ssh_ingress_cidrs)'));
  assert.ok(isRef(ssh.cidr_ipv4, 'each.value'));
  const v = mod.variable.ssh_ingress_cidrs;
  assert.ok(!('default' in v), 'ssh_ingress_cidrs has no default: the user must choose');
  assert.ok(v.validation.some((x) => /split\("\/", c\)\[1\]\) >= 8/.test(x.condition)), 'a validation refuses 0.0.0.0/0 and anything wider than /8');
  assert.ok(!('cidr_ipv6' in ssh));
});

test('HTTPS (443) only from the user\'s CIDRs: https_ingress_cidrs, or the SSH ones by default', () => {
  const https = ingress().https;
  assert.ok(isRef(https.for_each, 'toset(local.https_ingress_cidrs)'));
  assert.equal(mod.locals.https_ingress_cidrs, '${var.https_ingress_cidrs == null ? var.ssh_ingress_cidrs : var.https_ingress_cidrs}');
  assert.equal(mod.variable.https_ingress_cidrs.default, null);
});

test('CKV_AWS_23: every security group and rule has a description', () => {
  assert.ok(mod.resource.aws_security_group.this.description);
  for (const r of [...Object.values(ingress()), ...Object.values(egress())]) assert.ok(r.description, 'rule description');
});

test('CKV2_AWS_5: the security group is attached to the instance', () => {
  assert.deepEqual(mod.resource.aws_instance.this.vpc_security_group_ids, ['${aws_security_group.this.id}']);
  for (const r of [...Object.values(ingress()), ...Object.values(egress())]) {
    assert.ok(isRef(r.security_group_id, 'aws_security_group.this.id'));
  }
});

test('CKV_AWS_382: egress limited to TCP 80/443, never all protocols', () => {
  for (const r of Object.values(egress())) {
    assert.equal(r.ip_protocol, 'tcp');
    assert.notEqual(r.ip_protocol, '-1');
  }
  assert.match(egress().web.for_each, /setproduct\(var\.egress_cidrs, \[80, 443\]\)/);
});

test('S3 gateway VPC endpoint: optional (off by default), Gateway type, on the VPC route tables', () => {
  const ep = mod.resource.aws_vpc_endpoint.s3;
  assert.equal(ep.count, '${var.create_s3_vpc_endpoint ? 1 : 0}');
  assert.equal(mod.variable.create_s3_vpc_endpoint.default, false);
  assert.equal(ep.vpc_endpoint_type, 'Gateway');
  // The service name as AWS gives it (any partition), not built from the region: the region
  // attribute of data.aws_region exists only in provider 6.x.
  assert.ok(isRef(ep.service_name, 'data.aws_vpc_endpoint_service.s3[0].service_name'));
  const svc = mod.data.aws_vpc_endpoint_service.s3;
  assert.equal(svc.count, '${var.create_s3_vpc_endpoint ? 1 : 0}');
  assert.equal(svc.service, 's3');
  assert.equal(svc.service_type, 'Gateway');
  assert.match(ep.route_table_ids, /var\.vpc_endpoint_route_table_ids.*main_route_table_id/);
});
