'use strict';
// Offline stand-in for `terraform validate`: every resource, data source, argument and nested block
// must exist in the hashicorp/aws provider schema (6.25.0, read from @cdktf/provider-aws).
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { loadModule, MODULE_DIR, EXAMPLE_DIR } = require('./lib/hcl');
const { validateModule } = require('./lib/validate');
const { providerVersion, schemaFor } = require('./lib/schema');

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
