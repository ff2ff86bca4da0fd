'use strict';
// The instance role grants exactly the S3 operations `s3proc run` performs, and the optional
// operator policy exactly what `status` and `redrive` need (lib/expected_s3_access.js), on exactly
// s3proc's prefixes: checked on the meaning of the policy documents, not their text.
// Rules this stands for: CKV_AWS_355 / CKV_AWS_290 / CKV_AWS_289 (no "*" resource, no unconstrained
// write or permissions management), CKV_AWS_1 / CKV_AWS_63 (no "*" action), CKV_AWS_40 (policies on roles).
const test = require('node:test');
const assert = require('node:assert/strict');
const { loadModule, MODULE_DIR } = require('./lib/hcl');
const { resolve, isRef } = require('./lib/expr');
const expected = require('./lib/expected_s3_access');

let mod;
let doc;
let operator;
test.before(async () => {
  mod = await loadModule(MODULE_DIR);
  doc = mod.data.aws_iam_policy_document.s3proc;
  operator = mod.data.aws_iam_policy_document.operator;
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

// The one s3:ListBucket statement of a policy: on the bucket, only for s3proc's four prefixes.
function checkListStatement(statements) {
  const list = statements.filter((s) => s.actions.includes('s3:ListBucket'));
  assert.equal(list.length, 1);
  const [s] = list;
  assert.deepEqual(s.actions, ['s3:ListBucket']);
  assert.deepEqual(resolve(mod, s.resources), ['arn:aws:s3:::BUCKET']);
  assert.equal(s.condition.length, 1);
  const [c] = s.condition;
  assert.equal(c.test, 'StringLike');
  assert.equal(c.variable, 's3:prefix');
  assert.deepEqual(sorted(resolve(mod, c.values)), sorted(expected.LIST_PREFIXES));
}

// The dynamic KMS statement: only with a customer key, only on that key, only through S3.
function checkKmsStatement(dynamicStatements) {
  const kms = dynamicStatements.filter((d) => d.content[0].actions.some((a) => a.startsWith('kms:')));
  assert.equal(kms.length, 1);
  assert.equal(kms[0].for_each, '${var.kms_key_arn == null ? [] : [var.kms_key_arn]}');
  const [content] = kms[0].content;
  assert.equal(content.effect, 'Allow');
  assert.deepEqual(sorted(content.actions), sorted(expected.KMS_ACTIONS));
  assert.deepEqual(content.resources, ['${statement.value}']);
  assert.deepEqual(content.condition, [{ test: 'StringEquals', variable: 'kms:ViaService', values: ['${local.s3_service_endpoint}'] }]);
  assert.equal(mod.locals.s3_service_endpoint, 's3.${aws_s3_bucket.this.region}.${data.aws_partition.current.dns_suffix}');
}

test('policy: every statement allows named actions on named resources (no Deny, NotAction, NotResource, wildcard action)', () => {
  for (const s of [...doc.statement, ...operator.statement]) {
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

test('policy: the instance never writes into input/ (moving objects back is redrive, an operator\'s action)', () => {
  const input = doc.statement.filter((s) => resolve(mod, s.resources).includes('arn:aws:s3:::BUCKET/input/*'));
  assert.ok(input.length > 0);
  for (const s of input) assert.ok(!s.actions.includes('s3:PutObject'), `${s.sid}: no s3:PutObject on input/*`);
});

test('policy: s3:ListBucket only for the prefixes s3proc lists (input/, output/, errors/, leases/)', () => {
  checkListStatement(doc.statement);
});

test('policy: the prefixes in the policy are the module\'s prefixes (local.prefixes)', () => {
  const fromLocals = sorted(Object.values(mod.locals.prefixes).map((p) => `${p}*`));
  assert.deepEqual(fromLocals, sorted(expected.LIST_PREFIXES));
});

test('policy: KMS actions only when a customer key is set, only on that key, only through S3 (kms:ViaService)', () => {
  assert.equal(doc.dynamic.statement.length, 1);
  checkKmsStatement(doc.dynamic.statement);
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
  for (const t of ['aws_iam_role_policy_attachment', 'aws_iam_policy_attachment', 'aws_iam_user_policy', 'aws_iam_group_policy_attachment', 'aws_iam_user_policy_attachment', 'aws_iam_role_policies_exclusive']) {
    assert.ok(!(t in mod.resource), `no ${t}: nothing else is granted, the operator policy is attached to nothing`);
  }
  assert.deepEqual(Object.keys(mod.resource.aws_iam_policy), ['operator'], 'the only managed policy is the operators\'');
});

// ---- the operator policy (create_operator_policy) -----------------------------------------------

test('operator policy: only when asked for, attached to nothing, its ARN an output', () => {
  const p = mod.resource.aws_iam_policy.operator;
  assert.equal(p.count, '${var.create_operator_policy ? 1 : 0}');
  assert.equal(operator.count, '${var.create_operator_policy ? 1 : 0}');
  assert.ok(isRef(p.policy, 'data.aws_iam_policy_document.operator[0].json'));
  assert.ok(isRef(p.tags, 'local.tags'));
  assert.equal(mod.variable.create_operator_policy.default, false);
  assert.equal(mod.output.operator_policy_arn.value, '${try(aws_iam_policy.operator[0].arn, null)}');
});

test('operator policy: exactly what status and redrive need (PutObject on input/, DeleteObject on errors/), nothing of run\'s', () => {
  const want = {};
  for (const [r, acts] of Object.entries({ ...expected.BUCKET_ACTIONS, ...expected.OPERATOR_OBJECT_ACTIONS })) want[r] = sorted(acts);
  assert.deepEqual(grants(operator.statement), want);
  checkListStatement(operator.statement);
  const granted = grants(operator.statement);
  for (const r of ['arn:aws:s3:::BUCKET/output/*', 'arn:aws:s3:::BUCKET/leases/*']) assert.ok(!(r in granted), `nothing on ${r}`);
});

test('operator policy: KMS through S3 only; in queue mode read-only counts of the queue and its dead-letter queue', () => {
  const dyn = operator.dynamic.statement;
  assert.equal(dyn.length, 3);
  checkKmsStatement(dyn);
  const queue = {};
  for (const d of dyn.filter((x) => x.content[0].actions.some((a) => a.startsWith('sqs:')))) {
    assert.equal(d.for_each, '${var.enable_event_queue ? [1] : []}');
    const [c] = d.content;
    assert.equal(c.effect, 'Allow');
    assert.ok(!('condition' in c));
    for (const r of c.resources) queue[r] = sorted(new Set([...(queue[r] || []), ...c.actions]));
  }
  assert.deepEqual(queue, {
    '${aws_sqs_queue.events[0].arn}': sorted(expected.OPERATOR_QUEUE_ACTIONS),
    '${aws_sqs_queue.dead_letter[0].arn}': sorted(expected.DEAD_LETTER_QUEUE_ACTIONS),
  });
});
