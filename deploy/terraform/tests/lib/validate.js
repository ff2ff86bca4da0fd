'use strict';
// What `terraform validate` would say about argument names and block structure, without the
// provider binary: every resource, data source and provider block of a parsed module (lib/hcl.js)
// is compared with the schema of hashicorp/aws (lib/schema.js). It reports
//   - resource / data source types the provider does not have,
//   - arguments and nested blocks it does not know (typos, names removed in provider v6),
//   - a block written as an argument (`x = {}` where `x {}` is needed) and the reverse,
//   - required arguments and blocks that are missing.
// It does not check expression types or values; the tests do that for what matters.

const { schemaFor } = require('./schema');

// Terraform's own meta-arguments, valid in every resource / data block.
const RESOURCE_META = new Set(['count', 'for_each', 'provider', 'depends_on', 'lifecycle', 'connection', 'provisioner']);
const DATA_META = new Set(['count', 'for_each', 'provider', 'depends_on', 'lifecycle']);
const PROVIDER_META = new Set(['alias', 'version']);

// The one resource the module uses that is not hashicorp/aws's: terraform_data, built into
// Terraform >= 1.4, so not in @cdktf/provider-aws; its arguments are written out from its
// documentation.
const OTHER_SCHEMAS = {
  'resource:terraform_data': {
    attributes: { input: {}, triggers_replace: {} },
    blocks: {},
  },
};

function lookup(kind, type) {
  return OTHER_SCHEMAS[`${kind}:${type}`] || schemaFor(kind, type);
}

function distance(a, b) {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

function suggestion(name, schema) {
  const all = [...Object.keys(schema.attributes), ...Object.keys(schema.blocks)];
  const best = all.map((n) => [distance(name, n), n]).sort((x, y) => x[0] - y[0])[0];
  return best && best[0] <= Math.max(2, Math.floor(name.length / 4)) ? ` (did you mean "${best[1]}"?)` : '';
}

function isBlockList(value) {
  return Array.isArray(value) && value.every((v) => v !== null && typeof v === 'object' && !Array.isArray(v));
}

// Checks one body against a schema; `meta` are the names Terraform itself accepts there.
function checkBody(where, body, schema, meta, errors) {
  const present = new Set();
  for (const [key, value] of Object.entries(body)) {
    if (meta.has(key)) continue;
    if (key === 'dynamic') {
      for (const [name, dyns] of Object.entries(value)) {
        const blk = schema.blocks[name];
        if (!blk) {
          errors.push(`${where}: dynamic "${name}": no block of that name${suggestion(name, schema)}`);
          continue;
        }
        present.add(name);
        for (const dyn of dyns) {
          for (const k of Object.keys(dyn)) {
            if (!['for_each', 'iterator', 'labels', 'content'].includes(k)) errors.push(`${where}: dynamic "${name}": unexpected "${k}"`);
          }
          for (const content of dyn.content || []) checkBody(`${where}.${name}`, content, blk.nested, new Set(), errors);
        }
      }
      continue;
    }
    present.add(key);
    if (schema.attributes[key]) {
      const attr = schema.attributes[key];
      if (attr.nested && value && typeof value === 'object' && !Array.isArray(value)) {
        checkBody(`${where}.${key}`, value, attr.nested, new Set(), errors);
      }
      continue;
    }
    if (schema.blocks[key]) {
      if (!isBlockList(value)) {
        errors.push(`${where}: "${key}" is a block: write ${key} { ... }, not ${key} = ...`);
        continue;
      }
      value.forEach((b) => checkBody(`${where}.${key}`, b, schema.blocks[key].nested, new Set(), errors));
      continue;
    }
    errors.push(`${where}: unsupported argument or block "${key}"${suggestion(key, schema)}`);
  }
  for (const [name, a] of Object.entries(schema.attributes)) {
    if (a.required && !present.has(name)) errors.push(`${where}: missing required argument "${name}"`);
  }
  for (const [name, b] of Object.entries(schema.blocks)) {
    if (b.required && !present.has(name)) errors.push(`${where}: missing required block "${name}"`);
  }
}

// Returns a list of messages, empty when the module conforms to the provider schema.
function validateModule(mod) {
  const errors = [];
  for (const kind of ['resource', 'data']) {
    for (const [type, byName] of Object.entries(mod[kind])) {
      const schema = lookup(kind, type);
      for (const [name, body] of Object.entries(byName)) {
        const where = `${kind === 'data' ? 'data.' : ''}${type}.${name}`;
        if (!schema) {
          errors.push(`${where}: the hashicorp/aws provider has no ${kind === 'data' ? 'data source' : 'resource type'} "${type}"`);
          continue;
        }
        checkBody(where, body, schema, kind === 'data' ? DATA_META : RESOURCE_META, errors);
      }
    }
  }
  for (const [name, blocks] of Object.entries(mod.provider)) {
    const schema = lookup('provider', name);
    if (!schema) {
      errors.push(`provider "${name}": no schema known for this provider`);
      continue;
    }
    blocks.forEach((b) => checkBody(`provider.${name}`, b, schema, PROVIDER_META, errors));
  }
  return errors;
}

module.exports = { validateModule, checkBody };
