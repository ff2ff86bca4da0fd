'use strict';
// Tags on everything that takes tags (the provider's default_tags in the example add an Environment tag on top).
const test = require('node:test');
const assert = require('node:assert/strict');
const { loadModule, MODULE_DIR, eachBlock, block } = require('./lib/hcl');
const { schemaFor } = require('./lib/schema');

let mod;
test.before(async () => {
  mod = await loadModule(MODULE_DIR);
});

test('tags: every resource whose schema has tags sets them from local.tags', () => {
  const taggable = eachBlock(mod, 'resource').filter(([type]) => {
    const s = schemaFor('resource', type);
    return s && s.attributes.tags;
  });
  assert.ok(taggable.length >= 10, `found ${taggable.length} taggable resources`);
  for (const [type, name, body] of taggable) {
    assert.ok(typeof body.tags === 'string' && body.tags.includes('local.tags'), `${type}.${name} sets tags from local.tags`);
  }
});

test('tags: the root volume is tagged, and local.tags carries Name, Project, ManagedBy and var.tags', () => {
  assert.equal(block(mod.resource.aws_instance.this, 'root_block_device').tags, '${local.tags}');
  for (const k of ['Name', 'Project', 'ManagedBy', 'var.tags']) assert.ok(mod.locals.tags.includes(k), `local.tags has ${k}`);
});
