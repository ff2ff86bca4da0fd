'use strict';
// Offline stand-in for `terraform validate`: every resource, data source, argument and nested block
// must exist in the hashicorp/aws provider schema (6.25.0, read from @cdktf/provider-aws).
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { loadModule, MODULE_DIR, EXAMPLE_DIR } = require('./lib/hcl');
const { validateModule } = require('./lib/validate');
const { providerVersion, schemaFor, readableAttributes } = require('./lib/schema');

test('schema source: @cdktf/provider-aws generated from hashicorp/aws 6.x', () => {
  const v = providerVersion();
  assert.equal(v.provider, '6.25.0');
  assert.ok(schemaFor('resource', 'aws_instance').blocks.metadata_options, 'the extractor reads nested blocks');
});

test('schema: the module conforms to the hashicorp/aws provider schema', async () => {
  const errors = validateModule(await loadModule(MODULE_DIR));
  assert.deepEqual(errors, []);
});

test('schema: examples/complete conforms (provider block included)', async () => {
  const mod = await loadModule(EXAMPLE_DIR);
  assert.ok(mod.provider.aws, 'the example configures the aws provider');
  assert.deepEqual(validateModule(mod), []);
});

test('schema (negative): a misspelled or removed argument in a fixture is caught', async () => {
  const errors = validateModule(await loadModule(path.join(__dirname, 'fixtures', 'schema_errors')));
  const expect = [
    /aws_instance\.misspelled_argument: unsupported argument or block "instance_tpye" \(did you mean "instance_type"\?\)/,
    /aws_instance\.misspelled_nested_argument\.metadata_options: unsupported argument or block "http_token"/,
    /aws_instance\.removed_in_v6: unsupported argument or block "cpu_core_count"/,
    /aws_instance\.block_written_as_argument: "root_block_device" is a block/,
    /aws_s3_bucket_versioning\.missing_required_block: missing required block "versioning_configuration"/,
    /aws_s3_buckett\.unknown_type: the hashicorp\/aws provider has no resource type/,
    /data\.aws_iam_policy_document\.misspelled_dynamic_block: dynamic "statment": no block of that name/,
  ];
  for (const re of expect) assert.ok(errors.some((e) => re.test(e)), `expected an error matching ${re}; got:\n${errors.join('\n')}`);
  assert.equal(errors.length, expect.length, `no other errors; got:\n${errors.join('\n')}`);
});

// Every `aws_x.name.attr` and `data.aws_x.name.attr` the module reads, with the file it is in.
// The parsed bodies carry expressions only (no comments), so nothing in a comment counts.
function attributeReads(mod) {
  const reads = [];
  const walk = (v, file) => {
    if (typeof v === 'string') {
      for (const m of v.matchAll(/(?<![\w.])(data\.)?(aws_\w+)\.(\w+)(?:\[[^\]]*\])?\.(\w+)/g)) {
        reads.push({ kind: m[1] ? 'data' : 'resource', type: m[2], name: m[3], attr: m[4], file });
      }
    } else if (v && typeof v === 'object') {
      for (const x of Object.values(v)) walk(x, file);
    }
  };
  for (const [file, parsed] of Object.entries(mod.files)) walk(parsed, file);
  return reads;
}

// What works on one major version only. Arguments removed in 6.x fail the schema check above;
// attributes 5.x lacks fail `terraform validate`, which tests/apply runs with provider 5.100.
// What is left is what 6.x still has but deprecates, and the attributes read must exist in 6.x.
test('schema: every attribute the module reads exists in hashicorp/aws 6.25 (and is not one deprecated there)', async () => {
  const DEPRECATED_IN_6 = { 'data:aws_region': ['name', 'endpoint'], 'data:aws_vpc_endpoint_service': ['service_regions_deprecated'] };
  for (const dir of [MODULE_DIR, EXAMPLE_DIR]) {
    const mod = await loadModule(dir);
    const reads = attributeReads(mod);
    if (dir === MODULE_DIR) assert.ok(reads.length >= 20, `found ${reads.length} attribute reads`);
    for (const r of reads) {
      const attrs = readableAttributes(r.kind, r.type);
      const where = `${r.file}: ${r.kind === 'data' ? 'data.' : ''}${r.type}.${r.name}.${r.attr}`;
      assert.ok(attrs, `${where}: no such type`);
      assert.ok(attrs.has(r.attr), `${where}: hashicorp/aws 6.25 has no attribute "${r.attr}"`);
      assert.ok(!(DEPRECATED_IN_6[`${r.kind}:${r.type}`] || []).includes(r.attr), `${where}: deprecated in hashicorp/aws 6.x`);
    }
  }
});

test('schema (negative): reading an attribute the provider does not have is caught', () => {
  assert.ok(readableAttributes('resource', 'aws_s3_bucket').has('region'));
  assert.ok(readableAttributes('data', 'aws_ec2_instance_type').has('ebs_optimized_support'));
  assert.ok(!readableAttributes('resource', 'aws_s3_bucket').has('region_name'));
  assert.ok(!readableAttributes('resource', 'aws_instance').has('public_ipv4'));
});
