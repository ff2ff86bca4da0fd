'use strict';
// The hashicorp/aws provider schema, read offline from @cdktf/provider-aws (bindings generated from
// provider 6.25.0, see package.json "cdktf.provider.version" of that package).
//
// The package is never require()d (that would load all 2,000+ generated classes and the cdktf
// runtime). Each resource lives in lib/<name>/index.js; its generated code carries the schema:
//   - `<Class>.tfResourceType = "aws_instance"` names the Terraform type;
//   - `synthesizeHclAttributes()` lists every argument and nested block of the resource as
//       http_tokens: { value: ..., isBlock: false, type: "simple", storageClassType: "string" }
//     where a nested block's value calls `<struct>ToHclTerraform`, a function of the same file whose
//     `const attrs = {...}` lists the block's own arguments the same way (recursively);
//   - index.d.ts declares `readonly bucket: string;` (required) or `readonly bucket?: ...` (optional)
//     in `<Class>Config` and in one interface per nested block.
// Data sources are lib/data-aws-<name>/, the provider block itself is lib/provider/.

const fs = require('node:fs');
const path = require('node:path');

const PKG_DIR = path.dirname(require.resolve('@cdktf/provider-aws/package.json'));
const LIB_DIR = path.join(PKG_DIR, 'lib');

function providerVersion() {
  const pkg = JSON.parse(fs.readFileSync(path.join(PKG_DIR, 'package.json'), 'utf8'));
  return { bindings: pkg.version, provider: pkg.cdktf && pkg.cdktf.provider && pkg.cdktf.provider.version };
}

// One `name: { value: EXPR, isBlock: B, type: "T", storageClassType: "S", }` entry per match.
const ENTRY_RE = /^\s*(\w+): \{\s*\n\s*value: (.*),\s*\n\s*isBlock: (true|false),\s*\n\s*type: "(\w+)",\s*\n\s*storageClassType: "(\w+)",\s*\n\s*\}/gm;
// The struct converter a nested block's value calls (never a cdktf.* helper).
const NESTED_FN_RE = /(?<![\w.])([a-z]\w*ToHclTerraform)\b/;
// The JS property an argument is read from: this._httpTokens or struct.httpTokens.
const PROP_RE = /(?:this\._|struct\.)(\w+)/;

function sliceBalanced(text, openBraceIndex) {
  let depth = 0;
  for (let i = openBraceIndex; i < text.length; i++) {
    const c = text[i];
    if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) return text.slice(openBraceIndex, i + 1);
    }
  }
  throw new Error('unbalanced braces');
}

// interface name -> { prop: required? }
function parseInterfaces(dts) {
  const out = {};
  const re = /export interface (\w+)(?: extends [\w.,\s]+)? \{/g;
  let m;
  while ((m = re.exec(dts)) !== null) {
    const body = sliceBalanced(dts, m.index + m[0].length - 1);
    const props = {};
    for (const p of body.matchAll(/^\s*readonly (\w+)(\?)?:/gm)) props[p[1]] = !p[2];
    out[m[1]] = props;
  }
  return out;
}

function parseEntries(text) {
  const entries = [];
  for (const m of text.matchAll(ENTRY_RE)) {
    const [, name, value, isBlock, type] = m;
    const nested = value.match(NESTED_FN_RE);
    const prop = value.match(PROP_RE);
    entries.push({ name, isBlock: isBlock === 'true', type, nestedFn: nested ? nested[1] : null, prop: prop ? prop[1] : null });
  }
  return entries;
}

function capitalize(s) {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

// Builds { attributes: {name: {required, nested?}}, blocks: {name: {required, type, nested}} }.
function buildSchema(js, interfaces, entries, iface, seen) {
  const schema = { attributes: {}, blocks: {} };
  const props = interfaces[iface] || {};
  for (const e of entries) {
    const required = e.prop ? props[e.prop] === true : false;
    let nested = null;
    if (e.nestedFn && !seen.has(e.nestedFn)) {
      const start = js.indexOf(`function ${e.nestedFn}(struct) {`);
      if (start >= 0) {
        const body = sliceBalanced(js, js.indexOf('{', start));
        const nestedIface = capitalize(e.nestedFn.replace(/ToHclTerraform$/, ''));
        seen.add(e.nestedFn);
        nested = buildSchema(js, interfaces, parseEntries(body), nestedIface, seen);
        seen.delete(e.nestedFn);
      }
    }
    if (e.isBlock) {
      schema.blocks[e.name] = { required, type: e.type, nested: nested || { attributes: {}, blocks: {} } };
    } else {
      schema.attributes[e.name] = { required, type: e.type, nested };
    }
  }
  return schema;
}

function extractFromDir(dir) {
  const jsFile = path.join(LIB_DIR, dir, 'index.js');
  if (!fs.existsSync(jsFile)) return null;
  const js = fs.readFileSync(jsFile, 'utf8');
  const typeMatch = js.match(/^(\w+)\.tfResourceType = "(\w+)";$/m);
  if (!typeMatch) return null;
  const [, className, tfType] = typeMatch;
  const classStart = js.indexOf(`class ${className} extends`);
  const synth = js.indexOf('synthesizeHclAttributes() {', classStart);
  if (classStart < 0 || synth < 0) throw new Error(`${jsFile}: no synthesizeHclAttributes in class ${className}`);
  const attrsStart = js.indexOf('const attrs = {', synth);
  const attrsText = sliceBalanced(js, js.indexOf('{', attrsStart));
  const interfaces = parseInterfaces(fs.readFileSync(path.join(LIB_DIR, dir, 'index.d.ts'), 'utf8'));
  const configIface = className === 'AwsProvider' ? 'AwsProviderConfig' : `${className}Config`;
  const schema = buildSchema(js, interfaces, parseEntries(attrsText), configIface, new Set());
  return { tfType, dir, className, ...schema };
}

const cache = new Map();
let fullIndex = null;

// The directory that holds a type: the generator's naming first, a scan of every directory after.
function findDir(kind, tfType) {
  const base = tfType.replace(/^aws_/, '').replace(/_/g, '-');
  const guess = kind === 'data' ? `data-aws-${base}` : base;
  const candidates = [guess, `${guess}-resource`, `${guess}-a`];
  for (const dir of candidates) {
    const s = extractFromDir(dir);
    if (s && s.tfType === tfType) return dir;
  }
  if (!fullIndex) {
    fullIndex = new Map();
    for (const dir of fs.readdirSync(LIB_DIR)) {
      const file = path.join(LIB_DIR, dir, 'index.js');
      if (!fs.existsSync(file)) continue;
      const m = fs.readFileSync(file, 'utf8').match(/^\w+\.tfResourceType = "(\w+)";$/m);
      if (m) fullIndex.set(`${dir.startsWith('data-aws-') ? 'data' : 'resource'}:${m[1]}`, dir);
    }
  }
  return fullIndex.get(`${kind}:${tfType}`) || null;
}

// kind: 'resource' | 'data' | 'provider'. Returns the schema, or null when the provider has no such type.
function schemaFor(kind, tfType) {
  const key = `${kind}:${tfType}`;
  if (cache.has(key)) return cache.get(key);
  let schema = null;
  if (kind === 'provider') {
    schema = tfType === 'aws' ? extractFromDir('provider') : null;
  } else {
    const dir = findDir(kind, tfType);
    schema = dir ? extractFromDir(dir) : null;
  }
  cache.set(key, schema);
  return schema;
}

// Every attribute that can be read from a resource or data source of that type (arguments and
// computed attributes): the `get name(): T;` getters of its class in index.d.ts, as snake_case.
// Returns null when the provider has no such type.
function readableAttributes(kind, tfType) {
  const s = schemaFor(kind, tfType);
  if (!s) return null;
  const dts = fs.readFileSync(path.join(LIB_DIR, s.dir, 'index.d.ts'), 'utf8');
  const start = dts.indexOf(`export declare class ${s.className} extends`);
  if (start < 0) throw new Error(`${s.dir}/index.d.ts: no class ${s.className}`);
  const body = sliceBalanced(dts, dts.indexOf('{', start));
  const names = new Set();
  for (const m of body.matchAll(/^\s*get (\w+)\(\):/gm)) {
    if (m[1].endsWith('Input')) continue;
    names.add(m[1].replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));
  }
  return names;
}

module.exports = { schemaFor, readableAttributes, providerVersion, LIB_DIR };
