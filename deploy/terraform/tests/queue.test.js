'use strict';
// Queue mode (enable_event_queue): the SQS queue and its dead-letter queue, who may send to them,
// the bucket notification, and the instance role's SQS actions. Off by default, and then nothing
// of it exists. tests/apply applies it against moto and has moto deliver a real event.
const test = require('node:test');
const assert = require('node:assert/strict');
const { loadModule, MODULE_DIR, block, eachBlock } = require('./lib/hcl');
const { isRef, resolve } = require('./lib/expr');
const expected = require('./lib/expected_s3_access');

const ON = '${var.enable_event_queue ? 1 : 0}';

let mod;
test.before(async () => {
  mod = await loadModule(MODULE_DIR);
});

const sorted = (xs) => [...xs].sort();

test('queue off by default: every SQS resource, the notification and the role\'s SQS policy exist only with enable_event_queue', () => {
  assert.equal(mod.variable.enable_event_queue.default, false);
  assert.equal(mod.variable.enable_event_queue.type, '${bool}');
  const queueish = [
    ...eachBlock(mod, 'resource').filter(([type]) => /^aws_sqs_|^aws_s3_bucket_notification$/.test(type)).map(([t, n, b]) => [`${t}.${n}`, b]),
    ...eachBlock(mod, 'data').filter(([type, name]) => type === 'aws_iam_policy_document' && name !== 's3proc' && name !== 'assume_role' && name !== 'bucket' && name !== 'operator').map(([t, n, b]) => [`data.${t}.${n}`, b]),
    ['aws_iam_role_policy.queue', mod.resource.aws_iam_role_policy.queue],
  ];
  assert.deepEqual(sorted(queueish.map(([k]) => k)), sorted([
    'aws_sqs_queue.events', 'aws_sqs_queue.dead_letter', 'aws_sqs_queue_policy.events', 'aws_sqs_queue_policy.dead_letter',
    'aws_sqs_queue_redrive_allow_policy.dead_letter', 'aws_s3_bucket_notification.events', 'aws_iam_role_policy.queue',
    'data.aws_iam_policy_document.events_queue', 'data.aws_iam_policy_document.dead_letter_queue', 'data.aws_iam_policy_document.queue',
  ]));
  for (const [key, body] of queueish) assert.equal(body.count, ON, `${key}: count = enable_event_queue ? 1 : 0`);
  // The role's bucket policy is the same either way (tests/least_privilege enforces it).
  assert.ok(!('count' in mod.resource.aws_iam_role_policy.s3proc));
  // Outputs and the inventory are empty or null without the queue.
  assert.equal(mod.locals.queue_url, '${var.enable_event_queue ? aws_sqs_queue.events[0].url : ""}');
  for (const o of ['queue_url', 'queue_arn', 'dead_letter_queue_url']) assert.match(mod.output[o].value, /^\$\{try\(aws_sqs_queue\.\w+\[0\]\.(url|arn), null\)\}$/, o);
});

test('queue: SSE (SQS-managed), visibility timeout from the variable, long polling, 4 days\' retention, redrive to the DLQ', () => {
  const q = mod.resource.aws_sqs_queue.events;
  assert.equal(q.sqs_managed_sse_enabled, true);
  assert.ok(!('kms_master_key_id' in q), 'SSE-SQS, not a KMS key S3 would need a key policy for');
  assert.ok(isRef(q.visibility_timeout_seconds, 'var.queue_visibility_timeout_seconds'));
  assert.equal(mod.variable.queue_visibility_timeout_seconds.default, 300);
  assert.ok(isRef(q.receive_wait_time_seconds, 'local.queue_receive_wait_time_seconds'));
  assert.equal(mod.locals.queue_receive_wait_time_seconds, 20);
  assert.ok(isRef(q.message_retention_seconds, 'local.queue_message_retention_seconds'));
  assert.equal(mod.locals.queue_message_retention_seconds, 4 * 86400);
  assert.ok(!('fifo_queue' in q), 'a standard queue: S3 cannot notify a FIFO queue');
  assert.match(q.redrive_policy, /jsonencode\(\{\s*deadLetterTargetArn\s*=\s*aws_sqs_queue\.dead_letter\[0\]\.arn\s*maxReceiveCount\s*=\s*var\.queue_max_receive_count\s*\}\)/);
  assert.equal(mod.variable.queue_max_receive_count.default, 10);
  assert.ok(q.tags.includes('local.tags'));
});

test('dead-letter queue: SSE too, kept longer than the queue (14 days), and only the queue may redrive into it', () => {
  const dlq = mod.resource.aws_sqs_queue.dead_letter;
  assert.equal(dlq.sqs_managed_sse_enabled, true);
  assert.ok(isRef(dlq.message_retention_seconds, 'local.dead_letter_retention_seconds'));
  assert.equal(mod.locals.dead_letter_retention_seconds, 14 * 86400);
  assert.ok(mod.locals.dead_letter_retention_seconds > mod.locals.queue_message_retention_seconds);
  assert.ok(!('redrive_policy' in dlq));
  const allow = mod.resource.aws_sqs_queue_redrive_allow_policy.dead_letter;
  assert.ok(isRef(allow.queue_url, 'aws_sqs_queue.dead_letter[0].id'));
  assert.match(allow.redrive_allow_policy, /redrivePermission\s*=\s*"byQueue"\s*sourceQueueArns\s*=\s*\[aws_sqs_queue\.events\[0\]\.arn\]/);
});

const principals = (s) => (s.principals || []).map((p) => `${p.type}:${p.identifiers.join(',')}`);
const conditions = (s) => sorted((s.condition || []).map((c) => `${c.test} ${c.variable} ${c.values.join(',')}`));

function denyInsecureTransport(doc, queueArn, what) {
  const deny = doc.statement.filter((s) => s.effect === 'Deny');
  assert.equal(deny.length, 1, `${what}: one Deny`);
  assert.deepEqual(deny[0].actions, ['sqs:*']);
  assert.deepEqual(deny[0].resources, [queueArn]);
  assert.deepEqual(principals(deny[0]), ['*:*']);
  assert.deepEqual(conditions(deny[0]), ['Bool aws:SecureTransport false']);
}

test('queue policy: only S3, for this bucket in this account, may send; nothing without TLS', () => {
  const pol = mod.resource.aws_sqs_queue_policy.events;
  assert.ok(isRef(pol.queue_url, 'aws_sqs_queue.events[0].id'));
  assert.ok(isRef(pol.policy, 'data.aws_iam_policy_document.events_queue[0].json'));
  const doc = mod.data.aws_iam_policy_document.events_queue;
  const allow = doc.statement.filter((s) => s.effect === 'Allow');
  assert.equal(allow.length, 1, 'one Allow');
  assert.deepEqual(allow[0].actions, ['sqs:SendMessage']);
  assert.deepEqual(allow[0].resources, ['${aws_sqs_queue.events[0].arn}']);
  assert.deepEqual(principals(allow[0]), ['Service:s3.${data.aws_partition.current.dns_suffix}']);
  assert.deepEqual(conditions(allow[0]), sorted([
    'ArnEquals aws:SourceArn ${aws_s3_bucket.this.arn}',
    'StringEquals aws:SourceAccount ${data.aws_caller_identity.current.account_id}',
  ]));
  denyInsecureTransport(doc, '${aws_sqs_queue.events[0].arn}', 'queue policy');
  const dlqPol = mod.resource.aws_sqs_queue_policy.dead_letter;
  assert.ok(isRef(dlqPol.queue_url, 'aws_sqs_queue.dead_letter[0].id'));
  const dlqDoc = mod.data.aws_iam_policy_document.dead_letter_queue;
  assert.equal(dlqDoc.statement.length, 1, 'the DLQ policy only denies (SQS itself moves messages in)');
  denyInsecureTransport(dlqDoc, '${aws_sqs_queue.dead_letter[0].arn}', 'DLQ policy');
});

test('notification: every ObjectCreated event under input/ to the queue, after the queue policy and the folder markers', () => {
  const n = mod.resource.aws_s3_bucket_notification.events;
  assert.ok(isRef(n.bucket, 'aws_s3_bucket.this.id'));
  assert.equal(n.queue.length, 1);
  const q = block(n, 'queue');
  assert.deepEqual(q.events, ['s3:ObjectCreated:*']);
  assert.equal(resolve(mod, q.filter_prefix), 'input/');
  assert.ok(isRef(q.filter_prefix, 'local.prefixes.input'));
  assert.ok(!('filter_suffix' in q));
  assert.ok(isRef(q.queue_arn, 'aws_sqs_queue.events[0].arn'));
  for (const k of ['topic', 'lambda_function', 'eventbridge']) assert.ok(!(k in n), `no ${k}`);
  // S3 refuses the notification unless the queue policy already lets it send (it sends a test event).
  assert.ok(n.depends_on.includes('${aws_sqs_queue_policy.events}'));
  // The input/ marker is written before events flow, so it never becomes a message.
  assert.ok(n.depends_on.includes('${aws_s3_object.folder}'));
});

test('role: the SQS actions s3proc uses, on the event queue and its dead-letter queue only (exactly)', () => {
  const rp = mod.resource.aws_iam_role_policy.queue;
  assert.ok(isRef(rp.role, 'aws_iam_role.this.id'));
  assert.ok(isRef(rp.policy, 'data.aws_iam_policy_document.queue[0].json'));
  assert.equal(rp.name, 's3proc-queue-access');
  const doc = mod.data.aws_iam_policy_document.queue;
  const grants = {};
  for (const s of doc.statement) {
    assert.equal(s.effect, 'Allow', `${s.sid}: Allow`);
    for (const k of ['not_actions', 'not_resources', 'principals', 'condition']) assert.ok(!(k in s), `${s.sid}: no ${k}`);
    for (const a of s.actions) assert.match(a, /^sqs:[A-Za-z]+$/, `${s.sid}: ${a} is one named SQS action`);
    for (const r of s.resources) grants[r] = sorted(new Set([...(grants[r] || []), ...s.actions]));
  }
  assert.deepEqual(grants, {
    '${aws_sqs_queue.events[0].arn}': sorted(expected.QUEUE_ACTIONS),
    '${aws_sqs_queue.dead_letter[0].arn}': sorted(expected.DEAD_LETTER_QUEUE_ACTIONS),
  });
  assert.ok(!Object.values(grants).flat().some((a) => ['sqs:SendMessage', 'sqs:PurgeQueue', 'sqs:DeleteQueue', 'sqs:SetQueueAttributes'].includes(a)));
});
