'use strict';
// The bucket and its hardening, each test named after the scanner rule it stands for.
const test = require('node:test');
const assert = require('node:assert/strict');
const { loadModule, MODULE_DIR, block } = require('./lib/hcl');
const { resolve, isRef } = require('./lib/expr');
const { FOLDERS } = require('./lib/expected_s3_access');

let mod;
test.before(async () => {
  mod = await loadModule(MODULE_DIR);
});

const res = (type, name = 'this') => {
  const body = mod.resource[type] && mod.resource[type][name];
  assert.ok(body, `resource ${type}.${name} is missing`);
  return body;
};
const bucketRef = (body) => assert.ok(isRef(body.bucket, 'aws_s3_bucket.this.id'), `bucket = ${body.bucket} must be aws_s3_bucket.this.id`);

test('bucket: named by bucket_name or generated from name, force_destroy off by default', () => {
  const b = res('aws_s3_bucket');
  assert.ok(isRef(b.bucket, 'var.bucket_name'));
  assert.match(b.bucket_prefix, /var\.bucket_name == null/);
  assert.ok(isRef(b.force_destroy, 'var.force_destroy'));
  assert.equal(mod.variable.force_destroy.default, false);
  for (const legacy of ['acl', 'versioning', 'server_side_encryption_configuration', 'lifecycle_rule', 'logging', 'policy']) {
    assert.ok(!(legacy in b), `aws_s3_bucket.${legacy} is the legacy inline form: use the separate resource`);
  }
});

test('CKV2_AWS_6 / CKV_AWS_53..56: public access block blocks all four ways', () => {
  const p = res('aws_s3_bucket_public_access_block');
  bucketRef(p);
  for (const k of ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets']) {
    assert.equal(p[k], true, `${k} must be true`);
  }
});

test('CKV2_AWS_65: ACLs disabled (BucketOwnerEnforced)', () => {
  const o = res('aws_s3_bucket_ownership_controls');
  bucketRef(o);
  assert.equal(block(o, 'rule').object_ownership, 'BucketOwnerEnforced');
});

test('CKV_AWS_19 / CKV_AWS_145: default encryption SSE-S3, SSE-KMS with a bucket key when kms_key_arn is set', () => {
  const e = res('aws_s3_bucket_server_side_encryption_configuration');
  bucketRef(e);
  const rule = block(e, 'rule');
  const def = block(rule, 'apply_server_side_encryption_by_default');
  assert.equal(def.sse_algorithm, '${var.kms_key_arn == null ? "AES256" : "aws:kms"}');
  assert.ok(isRef(def.kms_master_key_id, 'var.kms_key_arn'));
  assert.equal(rule.bucket_key_enabled, '${var.kms_key_arn != null}');
  assert.equal(mod.variable.kms_key_arn.default, null, 'SSE-S3 (free) is the default');
});

test('CKV_AWS_21: versioning enabled (s3proc deletes exact versions)', () => {
  const v = res('aws_s3_bucket_versioning');
  bucketRef(v);
  assert.equal(block(v, 'versioning_configuration').status, 'Enabled');
});

test('CKV2_AWS_61 / CKV_AWS_300: lifecycle aborts incomplete multipart uploads and expires noncurrent versions', () => {
  const l = res('aws_s3_bucket_lifecycle_configuration');
  bucketRef(l);
  const rules = l.rule;
  assert.ok(rules.every((r) => r.status === 'Enabled' && Array.isArray(r.filter)), 'every rule enabled, with a filter');
  const abort = rules.find((r) => r.abort_incomplete_multipart_upload);
  assert.ok(abort, 'a rule aborts incomplete multipart uploads');
  assert.deepEqual(abort.filter, [{}], 'the abort rule applies to the whole bucket');
  assert.ok(isRef(block(abort, 'abort_incomplete_multipart_upload').days_after_initiation, 'var.abort_incomplete_multipart_upload_days'));
  const noncurrent = rules.find((r) => r.noncurrent_version_expiration);
  assert.ok(noncurrent, 'a rule expires noncurrent versions');
  assert.ok(isRef(block(noncurrent, 'noncurrent_version_expiration').noncurrent_days, 'var.noncurrent_version_expiration_days'));
  assert.ok(mod.variable.abort_incomplete_multipart_upload_days.default <= 7);
  assert.ok(mod.variable.noncurrent_version_expiration_days.default <= 90);
  assert.ok(l.depends_on.includes('${aws_s3_bucket_versioning.this}'), 'lifecycle waits for versioning');
});

test('CKV_AWS_18: access logging is available and off unless a target bucket is given', () => {
  const lg = res('aws_s3_bucket_logging');
  bucketRef(lg);
  assert.equal(lg.count, '${var.access_log_bucket == null ? 0 : 1}');
  assert.ok(isRef(lg.target_bucket, 'var.access_log_bucket'));
  assert.equal(mod.variable.access_log_bucket.default, null);
});

test('S3.5 (Security Hub): the bucket policy denies every request without TLS', () => {
  const pol = res('aws_s3_bucket_policy');
  bucketRef(pol);
  assert.ok(isRef(pol.policy, 'data.aws_iam_policy_document.bucket.json'));
  assert.ok(pol.depends_on.includes('${aws_s3_bucket_public_access_block.this}'));
  const doc = mod.data.aws_iam_policy_document.bucket;
  const deny = doc.statement.find((s) => (s.condition || []).some((c) => c.variable === 'aws:SecureTransport'));
  assert.ok(deny, 'a statement conditions on aws:SecureTransport');
  assert.equal(deny.effect, 'Deny');
  assert.deepEqual(deny.actions, ['s3:*']);
  assert.deepEqual(resolve(mod, deny.resources).sort(), ['arn:aws:s3:::BUCKET', 'arn:aws:s3:::BUCKET/*']);
  assert.deepEqual(deny.principals, [{ type: '*', identifiers: ['*'] }]);
  const cond = deny.condition.find((c) => c.variable === 'aws:SecureTransport');
  assert.equal(cond.test, 'Bool');
  assert.deepEqual(cond.values, ['false']);
  for (const s of doc.statement) assert.equal(s.effect, 'Deny', 'the bucket policy only denies; access is granted by the role');
});

test('folders: input/, output/ and errors/ exist as zero-byte marker objects', () => {
  const f = res('aws_s3_object', 'folder');
  bucketRef(f);
  assert.ok(isRef(f.for_each, 'local.folder_markers'));
  assert.ok(isRef(f.key, 'each.value'));
  assert.equal(f.content, '', 'zero bytes');
  const markers = mod.locals.folder_markers.replace(/^\$\{toset\(\[|\]\)\}$/g, '').split(',').map((s) => resolve(mod, `\${${s.trim()}}`));
  assert.deepEqual(markers.sort(), [...FOLDERS].sort());
});
