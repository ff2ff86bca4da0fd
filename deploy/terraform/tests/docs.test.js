'use strict';
// README.md's table "What each request needs" is the documentation of which IAM action each
// s3proc request needs. Checked both ways:
//   - against the code: every request s3proc can send (each `r.op = {"Name", "s3:Action", ...}`
//     in src/s3/*.cc) has a row, with the action the code names for it;
//   - against the module: the actions and keys of the rows sent by `run`, taken together, are
//     exactly what the instance role's policy in iam.tf grants (resource by resource), those of the
//     rows sent by `status` or `redrive` exactly what the operator policy grants, and the
//     ListBucket row names exactly the s3:prefix values both allow.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { loadModule, MODULE_DIR } = require('./lib/hcl');
const { resolve } = require('./lib/expr');

const REPO = path.resolve(MODULE_DIR, '..', '..');
const S3_DIR = path.join(REPO, 'src', 's3');
// Requests the S3 client has for the tests' own setup; s3proc's commands never send them.
const NOT_SENT_BY_S3PROC = { CreateBucket: 'tests create their buckets', PutBucketVersioning: 'tests turn versioning on' };

let mod;
let rows;
test.before(async () => {
  mod = await loadModule(MODULE_DIR);
  rows = readTable();
});

const ticks = (cell) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);

function readTable() {
  const readme = fs.readFileSync(path.join(MODULE_DIR, 'README.md'), 'utf8');
  const start = readme.indexOf('### What each request needs');
  assert.ok(start >= 0, 'README.md has "### What each request needs"');
  const section = readme.slice(start, readme.indexOf('\n#', start + 10));
  const lines = section.split('\n').filter((l) => l.startsWith('| `'));
  assert.ok(lines.length >= 10, `the table has rows (found ${lines.length})`);
  return lines.map((line) => {
    const cells = line.split(' | ').map((c) => c.replace(/^\| |\s*\|$/g, ''));
    assert.equal(cells.length, 4, `4 columns: ${line}`);
    return {
      line,
      commands: ticks(cells[1]).filter((t) => ['run', 'status', 'redrive'].includes(t)),
      requests: ticks(cells[0]).filter((t) => /^[A-Z][A-Za-z0-9]+$/.test(t)),
      actions: ticks(cells[2]).filter((t) => /^s3:[A-Za-z]+$/.test(t)),
      keys: ticks(cells[3]).filter((t) => /^[a-z]+\/\*$/.test(t)),
      onBucket: /the bucket/.test(cells[3]),
    };
  });
}

// "Name" -> [actions named in code], over every request of src/s3/*.cc.
function requestsInCode() {
  const out = {};
  for (const f of fs.readdirSync(S3_DIR).filter((x) => x.endsWith('.cc') && !x.endsWith('_test.cc'))) {
    const src = fs.readFileSync(path.join(S3_DIR, f), 'utf8');
    for (const m of src.matchAll(/r\.op = \{"(\w+)",\s*([^,]+?"[^"]*"(?:\s*:\s*"[^"]*")?)/g)) {
      out[m[1]] = [...new Set([...(out[m[1]] || []), ...[...m[2].matchAll(/s3:[A-Za-z]+/g)].map((a) => a[0])])];
    }
  }
  return out;
}

test('docs: every request in src/s3/ has a row, with the IAM action the code names for it', () => {
  const code = requestsInCode();
  assert.ok(Object.keys(code).length >= 10, `found the requests in src/s3 (${Object.keys(code).join(', ')})`);
  for (const [name, actions] of Object.entries(code)) {
    if (name in NOT_SENT_BY_S3PROC) continue;
    const mine = rows.filter((r) => r.requests.includes(name));
    assert.ok(mine.length > 0, `README table has no row for ${name}`);
    const documented = new Set(mine.flatMap((r) => r.actions));
    // The code may name the version form too (s3:GetObjectVersion when a version id is given);
    // at least one of its actions is documented, and every documented one is what the code says.
    assert.ok(actions.some((a) => documented.has(a)), `${name}: code says ${actions}, README says ${[...documented]}`);
    for (const a of documented) {
      const named = actions.includes(a) || (name === 'CopyObject' && a === 's3:GetObject') ||
        (name.startsWith('DeleteObject') && a === 's3:DeleteObjectVersion');
      assert.ok(named, `${name}: README says ${a}, src/s3 names ${actions}`);
    }
  }
  for (const r of rows) for (const name of r.requests) assert.ok(name in code, `README row for ${name}, which src/s3 never sends`);
});

// resource ARN -> Set of actions, over a policy document's static statements.
function granted(doc) {
  const out = {};
  for (const s of doc.statement) {
    for (const r of resolve(mod, s.resources)) out[r] = new Set([...(out[r] || []), ...s.actions]);
  }
  return out;
}

// resource ARN -> Set of actions, over the rows sent by any of `commands`.
function documented(commands) {
  const out = {};
  for (const r of rows.filter((row) => row.commands.some((c) => commands.includes(c)))) {
    const resources = [...r.keys.filter(() => !r.onBucket).map((k) => `arn:aws:s3:::BUCKET/${k}`), ...(r.onBucket ? ['arn:aws:s3:::BUCKET'] : [])];
    assert.ok(resources.length > 0 && r.actions.length > 0, `row names actions and keys: ${r.line}`);
    for (const res of resources) out[res] = new Set([...(out[res] || []), ...r.actions]);
  }
  return out;
}

const sortedSets = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, [...v].sort()]).sort());

test('docs: every row is sent by run, status or redrive', () => {
  for (const r of rows) assert.ok(r.commands.length > 0, `row names its command: ${r.line}`);
});

test('docs: the rows sent by run, taken together, are exactly what the instance role grants', () => {
  assert.deepEqual(sortedSets(documented(['run'])), sortedSets(granted(mod.data.aws_iam_policy_document.s3proc)));
});

test('docs: the rows sent by status and redrive, taken together, are exactly what the operator policy grants', () => {
  assert.deepEqual(sortedSets(documented(['status', 'redrive'])), sortedSets(granted(mod.data.aws_iam_policy_document.operator)));
});

test('docs: the ListBucket row names exactly the s3:prefix values of both policies', () => {
  const list = rows.filter((r) => r.onBucket);
  assert.equal(list.length, 1, 'one ListBucket row');
  for (const doc of [mod.data.aws_iam_policy_document.s3proc, mod.data.aws_iam_policy_document.operator]) {
    const [cond] = doc.statement.find((s) => s.actions.includes('s3:ListBucket')).condition;
    assert.deepEqual([...list[0].keys].sort(), resolve(mod, cond.values).sort(), 'the s3:prefix values');
  }
});
