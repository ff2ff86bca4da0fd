'use strict';
// Just enough evaluation of the parser's "${...}" strings for the checks: references to locals
// that hold literals are replaced by their values, and a few resource attributes by fixed
// placeholders. Anything else is left as written, so a test can see it was not a literal.

const PLACEHOLDERS = {
  'aws_s3_bucket.this.arn': 'arn:aws:s3:::BUCKET',
  'aws_s3_bucket.this.id': 'BUCKET',
};

function localValue(mod, dotted) {
  const [name, ...rest] = dotted.split('.');
  if (!(name in mod.locals)) return undefined;
  let v = mod.locals[name];
  for (const k of rest) {
    if (v === null || typeof v !== 'object' || !(k in v)) return undefined;
    v = v[k];
  }
  return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
}

function resolve(mod, value) {
  if (Array.isArray(value)) return value.map((v) => resolve(mod, v));
  if (typeof value !== 'string') return value;
  return value.replace(/\$\{([\w.]+)\}/g, (whole, ref) => {
    if (ref in PLACEHOLDERS) return PLACEHOLDERS[ref];
    if (ref.startsWith('local.')) {
      const v = localValue(mod, ref.slice('local.'.length));
      if (v !== undefined) return v;
    }
    return whole;
  });
}

// True when the value is exactly one reference, e.g. "${var.kms_key_arn}".
function isRef(value, ref) {
  return value === `\${${ref}}`;
}

module.exports = { resolve, isRef };
