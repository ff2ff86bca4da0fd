'use strict';
// Loads a Terraform module (every *.tf file of one folder) through HashiCorp's HCL parser
// (@cdktf/hcl2json, the Go hcl library built to WebAssembly) and merges the files into one tree:
//   { resource: {type: {name: body}}, data: {...}, variable: {name: body}, output: {...},
//     locals: {name: value}, module: {...}, provider: {name: [body]}, terraform: [body] }
// Bodies are the parser's JSON: blocks are arrays of objects, attributes plain values, and every
// expression that is not a literal is a "${...}" string.

const fs = require('node:fs');
const path = require('node:path');
const hcl2json = require('@cdktf/hcl2json');

const MODULE_DIR = path.resolve(__dirname, '..', '..');
const EXAMPLE_DIR = path.join(MODULE_DIR, 'examples', 'complete');

async function parseFile(file) {
  const text = fs.readFileSync(file, 'utf8');
  try {
    return await hcl2json.parse(path.basename(file), text);
  } catch (err) {
    throw new Error(`${file}: HCL parse error: ${err.message || err}`);
  }
}

function tfFiles(dir) {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.tf')).sort().map((f) => path.join(dir, f));
}

function single(list, what) {
  if (!Array.isArray(list) || list.length !== 1) throw new Error(`${what}: expected one block`);
  return list[0];
}

// Returns { files: {basename: parsed}, resource, data, variable, output, locals, module, provider, terraform, where }
// where[kind][key] = the file that declares it (for messages and layout checks).
async function loadModule(dir) {
  const merged = { files: {}, resource: {}, data: {}, variable: {}, output: {}, locals: {}, module: {}, provider: {}, terraform: [], where: { resource: {}, data: {}, variable: {}, output: {}, locals: {} } };
  for (const file of tfFiles(dir)) {
    const parsed = await parseFile(file);
    const base = path.basename(file);
    merged.files[base] = parsed;
    for (const kind of ['resource', 'data']) {
      for (const [type, byName] of Object.entries(parsed[kind] || {})) {
        merged[kind][type] = merged[kind][type] || {};
        for (const [name, blocks] of Object.entries(byName)) {
          const key = `${type}.${name}`;
          if (merged.where[kind][key]) throw new Error(`${kind} ${key} declared twice`);
          merged[kind][type][name] = single(blocks, key);
          merged.where[kind][key] = base;
        }
      }
    }
    for (const kind of ['variable', 'output', 'module']) {
      for (const [name, blocks] of Object.entries(parsed[kind] || {})) {
        if (merged[kind][name]) throw new Error(`${kind} ${name} declared twice`);
        merged[kind][name] = single(blocks, `${kind} ${name}`);
        if (merged.where[kind]) merged.where[kind][name] = base;
      }
    }
    for (const block of parsed.locals || []) {
      for (const [name, value] of Object.entries(block)) {
        if (name in merged.locals) throw new Error(`local ${name} declared twice`);
        merged.locals[name] = value;
        merged.where.locals[name] = base;
      }
    }
    for (const [name, blocks] of Object.entries(parsed.provider || {})) {
      merged.provider[name] = (merged.provider[name] || []).concat(blocks);
    }
    merged.terraform.push(...(parsed.terraform || []));
  }
  return merged;
}

// Every resource or data source body as [kind, type, name, body].
function eachBlock(mod, kind) {
  const out = [];
  for (const [type, byName] of Object.entries(mod[kind])) {
    for (const [name, body] of Object.entries(byName)) out.push([type, name, body]);
  }
  return out;
}

// The single nested block `name` of a body (throws when absent or repeated).
function block(body, name) {
  return single(body[name], name);
}

module.exports = { MODULE_DIR, EXAMPLE_DIR, parseFile, loadModule, eachBlock, block, tfFiles };
