'use strict';
// The instance role grants exactly the S3 operations s3proc performs (lib/expected_s3_access.js),
// on exactly its prefixes: checked on the meaning of the policy document, not its text.
// Rules this stands for: CKV_AWS_355 / CKV_AWS_290 / CKV_AWS_289 (no "*" resource, no unconstrained
// write or permissions management), CKV_AWS_1 / CKV_AWS_63 (no "*" action), CKV_AWS_40 (policies on roles).
const test = require('node:test');
const assert = require('node:assert/strict');
const { loadModule, MODULE_DIR } = require('./lib/hcl');
const { resolve, isRef } = require('./lib/expr');
const expected = require('./lib/expected_s3_access');

let mod;
let doc;
test.before(async () => {
  mod = await loadModule(MODULE_DIR);
  doc = mod.data.aws_iam_policy_document.s3proc;
});

const sorted = (xs) => [...xs].sort();

// resource ARN -> sorted actions, over the static (always present) Allow statements.
function grants(statements) {
  const byResource = {};
  for (const s of statements) {
    for (const r of resolve(mod, s.resources)) {
      byResource[r] = sorted(new Set([...(byResource[r] || []), ...s.actions]));
    }
  }
  return byResource;
}

test('policy: every statement allows named actions on named resources (no Deny, NotAction, NotResource, wildcard action)', () => {
  for (const s of doc.statement) {
    assert.equal(s.effect, 'Allow', `${s.sid}: Allow`);
    for (const k of ['not_actions', 'not_resources', 'not_principals', 'principals']) assert.ok(!(k in s), `${s.sid}: no ${k}`);
    for (const a of s.actions) {
      assert.match(a, /^s3:[A-Za-z]+$/, `${s.sid}: ${a} is one named S3 action`);
    }
    for (const r of resolve(mod, s.resources)) {
      assert.ok(r.startsWith('arn:aws:s3:::BUCKET'), `${s.sid}: ${r} is in the s3proc bucket`);
      assert.notEqual(r, 'arn:aws:s3:::BUCKET/*', `${s.sid}: never the whole bucket's objects`);
    }
  }
});

test('policy: grants exactly the expected actions on exactly the expected prefixes', () => {
  const want = {};
  for (const [r, acts] of Object.entries({ ...expected.BUCKET_ACTIONS, ...expected.OBJECT_ACTIONS })) want[r] = sorted(acts);
  assert.deepEqual(grants(doc.statement), want);
});

test('policy: s3:ListBucket only for the prefixes s3proc lists (input/, output/, errors/, leases/)', () => {
  const list = doc.statement.filter((s) => s.actions.includes('s3:ListBucket'));
  assert.equal(list.length, 1);
  const [s] = list;
  assert.deepEqual(s.actions, ['s3:ListBucket']);
  assert.deepEqual(resolve(mod, s.resources), ['arn:aws:s3:::BUCKET']);
  assert.equal(s.condition.length, 1);
  const [c] = s.condition;
  assert.equal(c.test, 'StringLike');
  assert.equal(c.variable, 's3:prefix');
  assert.deepEqual(sorted(resolve(mod, c.values)), sorted(expected.LIST_PREFIXES));
});

test('policy: the prefixes in the policy are the module\'s prefixes (local.prefixes)', () => {
  const fromLocals = sorted(Object.values(mod.locals.prefixes).map((p) => `${p}*`));
  assert.deepEqual(fromLocals, sorted(expected.LIST_PREFIXES));
});

test('policy: KMS actions only when a customer key is set, and only on that key', () => {
  const dyn = doc.dynamic.statement;
  assert.equal(dyn.length, 1);
  assert.equal(dyn[0].for_each, '${var.kms_key_arn == null ? [] : [var.kms_key_arn]}');
  const [content] = dyn[0].content;
  assert.equal(content.effect, 'Allow');
  assert.deepEqual(sorted(content.actions), sorted(expected.KMS_ACTIONS));
  assert.deepEqual(content.resources, ['${statement.value}']);
});

test('role: only EC2 may assume it, and it carries only this inline policy', () => {
  const assume = mod.data.aws_iam_policy_document.assume_role.statement;
  assert.equal(assume.length, 1);
  assert.deepEqual(assume[0].actions, ['sts:AssumeRole']);
  assert.deepEqual(assume[0].principals, [{ type: 'Service', identifiers: ['ec2.${data.aws_partition.current.dns_suffix}'] }]);
  const role = mod.resource.aws_iam_role.this;
  assert.ok(isRef(role.assume_role_policy, 'data.aws_iam_policy_document.assume_role.json'));
  for (const k of ['managed_policy_arns', 'inline_policy']) assert.ok(!(k in role), `no ${k}`);
  const rp = mod.resource.aws_iam_role_policy.s3proc;
  assert.ok(isRef(rp.role, 'aws_iam_role.this.id'));
  assert.ok(isRef(rp.policy, 'data.aws_iam_policy_document.s3proc.json'));
  for (const t of ['aws_iam_role_policy_attachment', 'aws_iam_policy_attachment', 'aws_iam_user_policy', 'aws_iam_policy', 'aws_iam_role_policies_exclusive']) {
    assert.ok(!(t in mod.resource), `no ${t}: nothing else is granted`);
  }
});
