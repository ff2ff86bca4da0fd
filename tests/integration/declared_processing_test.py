#!/usr/bin/python3
"""Routes that declare a JSON Schema, a jq filter or both, end to end: the real binary runs
`run --config FILE` against the local RGW; boto3 seeds input/ and reads output/ and errors/.

One bucket and two runs: every route below is in one config, each input under the folder of
the route it is for (json/schema/, csv/both/, ...); the first run's config names a schema file
that is not there."""

import json
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import s3proc_e2e as e2e  # noqa: E402

SCHEMA = {
    "type": "object",
    "required": ["id", "qty"],
    "properties": {"id": {"type": "string"}, "qty": {"type": "integer", "minimum": 1}},
}
# Reads qty as a number whether it is one (json, ndjson, csv with the schema) or its text (csv
# alone), and raises an error the schema allows, so that "both" reaches the filter too.
FILTER = ('if (.qty | tonumber) > 99 then error("qty must be under 100") '
          'else {order: .id, qty: (.qty | tonumber)} end')

# Reasons, word for word.
QTY_0 = ("does not match schema order.schema.json: "
         "/qty: 0 fails minimum: expected number greater than or equal to 1")
QTY_TEXT = ('does not match schema order.schema.json: '
            '/qty: "three" fails type: value type not permitted by \'type\' constraint')
NO_QTY = ("does not match schema order.schema.json: "
          "(root): an object fails required: missing required property 'qty'")
OVER_99 = "jq: error: qty must be under 100"


def config_text(schema_path):
    routes = [
        ("json/schema/*", "json", schema_path, None, None),
        ("json/filter/*", "json", None, FILTER, None),
        ("json/both/*", "json", schema_path, FILTER, None),
        ("json/many/*", "json", None, ".items[]", None),
        ("json/none/*", "json", None, "select(.keep)", None),
        ("json/skip/*", "json", None, "select(.keep)", "skip"),
        ("ndjson/schema/*", "ndjson", schema_path, None, None),
        ("ndjson/filter/*", "ndjson", None, FILTER, None),
        ("ndjson/both/*", "ndjson", schema_path, FILTER, None),
        ("csv/schema/*", "csv", schema_path, None, None),
        ("csv/filter/*", "csv", None, FILTER, None),
        ("csv/both/*", "csv", schema_path, FILTER, None),
    ]
    out = []
    for glob, processor, schema, program, empty in routes:
        out += ["[[route]]", f'glob = "{glob}"', f'processor = "{processor}"']
        if schema:
            out.append(f'schema = "{schema}"')
        if program:
            out.append(f"filter = '{program}'")  # a TOML literal string: no escapes
        if empty:
            out.append(f'empty = "{empty}"')
    return "\n".join(out) + "\n"


def lines(*docs):
    return b"".join(json.dumps(d).encode() + b"\n" for d in docs)


GOOD = {
    "json/schema/good.json": b'{"id": "o-1", "qty": 3, "note": "kept"}',
    "json/filter/good.json": b'{"id": "o-1", "qty": "3", "note": "dropped"}',
    "json/both/good.json": b'{"id": "o-1", "qty": 3, "note": "dropped"}',
    "json/many/order.json": b'{"id": "o-1", "items": [{"sku": "a"}, 2, {"sku": "b"}]}',
    "json/none/keep.json": b'{"keep": true}',
    "json/skip/drop.json": b'{"keep": false}',
    "ndjson/schema/good.ndjson": lines({"id": "o-1", "qty": 3}, {"id": "o-2", "qty": 4}),
    "ndjson/filter/good.ndjson": lines({"id": "o-1", "qty": "3"}, {"id": "o-2", "qty": 4}),
    "ndjson/both/good.ndjson": lines({"id": "o-1", "qty": 3}, {"id": "o-2", "qty": 4}),
    "csv/schema/good.csv": b"id,qty,note\no-1,3,x\no-2,4,\n",
    "csv/filter/good.csv": b"id,qty\no-1,3\no-2,4\n",
    "csv/both/good.csv": b"id,qty\no-1,3\no-2,4\n",
}

# Each rejected input and its reason.
BAD = {
    "json/schema/bad.json": (b'{"id": "o-2", "qty": 0}', QTY_0),
    "json/filter/bad.json": (b'{"id": "o-2", "qty": 100}', OVER_99),
    # The schema is checked first: the filter would have taken "3".
    "json/both/bad-schema.json": (b'{"id": "o-2", "qty": "three"}', QTY_TEXT),
    "json/both/bad-filter.json": (b'{"id": "o-2", "qty": 100}', OVER_99),
    "json/none/drop.json": (b'{"keep": false}', "the filter produced nothing"),
    "ndjson/schema/bad.ndjson": (lines({"id": "o-1", "qty": 3}, {"id": "o-2"}),
                                 "line 2: " + NO_QTY),
    "ndjson/filter/bad.ndjson": (lines({"id": "o-1", "qty": 3}, {"id": "o-2", "qty": 5},
                                       {"id": "o-3", "qty": 100}), "line 3: " + OVER_99),
    "ndjson/both/bad.ndjson": (lines({"id": "o-1", "qty": 0}), "line 1: " + QTY_0),
    "csv/schema/bad.csv": (b"id,qty\no-1,3\no-2,three\n", "row 3 (line 3): " + QTY_TEXT),
    "csv/filter/bad.csv": (b"id,qty\no-1,100\n", "row 2 (line 2): " + OVER_99),
    "csv/both/bad.csv": (b'id,qty\no-1,3\n"o-2",0\n', "row 3 (line 3): " + QTY_0),
}


class DeclaredProcessing(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s3 = e2e.s3_client()
        cls.work = e2e.WorkDir()
        cls.files = tempfile.mkdtemp(prefix="s3proc-declared-")
        schema_path = os.path.join(cls.files, "order.schema.json")
        with open(schema_path, "w") as f:
            json.dump(SCHEMA, f)
        cls.config = os.path.join(cls.files, "s3proc.toml")
        with open(cls.config, "w") as f:
            f.write(config_text(schema_path))
        cls.missing = os.path.join(cls.files, "missing.schema.json")
        missing_config = os.path.join(cls.files, "missing.toml")
        with open(missing_config, "w") as f:
            f.write(config_text(cls.missing))
        cls.bucket = e2e.new_bucket(cls.s3)
        cls.inputs = {**GOOD, **{rel: body for rel, (body, _) in BAD.items()}}
        for rel, body in cls.inputs.items():
            cls.s3.put_object(Bucket=cls.bucket, Key="input/" + rel, Body=body)
        # First with a schema file that is not there: nothing may happen.
        cls.missing_code, _, cls.missing_err = e2e.run(cls.bucket, cls.work.path,
                                                       "--config", missing_config)
        cls.left_by_missing = e2e.keys(cls.s3, cls.bucket)
        cls.code, _, cls.err = e2e.run(cls.bucket, cls.work.path, "--config", cls.config)
        cls.outputs = e2e.all_objects(cls.s3, cls.bucket, "output/")
        cls.errors = e2e.all_objects(cls.s3, cls.bucket, "errors/")
        cls.left = e2e.keys(cls.s3, cls.bucket, "input/")

    @classmethod
    def tearDownClass(cls):
        cls.work.cleanup()
        shutil.rmtree(cls.files, ignore_errors=True)

    def output(self, rel):
        """The output object's JSON texts, one per line (one for a json document)."""
        body = self.outputs["output/" + rel].decode()
        return [json.loads(line) for line in body.splitlines()]

    def enriched(self, value):
        """`value` without its metadata member, which an object must have."""
        self.assertIn("_s3proc", value)
        self.assertIsInstance(value["_s3proc"], dict)
        return {k: v for k, v in value.items() if k != "_s3proc"}

    def test_every_object_reaches_output_or_errors(self):
        self.assertEqual(self.code, 0, self.err[-3000:])
        s = e2e.summary(self.err)
        self.assertEqual((s["done"], s["rejected"], s["failed"]), (len(GOOD), len(BAD), 0),
                         self.err[-3000:])
        self.assertEqual(self.left, [])
        self.assertEqual(sorted(self.outputs), sorted("output/" + rel for rel in GOOD))

    def test_rejected_objects_are_kept_unchanged_with_their_reason(self):
        for rel, (body, reason) in BAD.items():
            with self.subTest(rel=rel):
                self.assertEqual(self.errors.get("errors/" + rel), body)
                document = json.loads(self.errors["errors/" + rel + ".error.json"])
                self.assertEqual(document["source_key"], "input/" + rel)
                self.assertEqual(document["reason"], reason)
        self.assertEqual(len(self.errors), 2 * len(BAD), sorted(self.errors))

    def test_json_with_a_schema_keeps_the_document(self):
        [doc] = self.output("json/schema/good.json")
        self.assertEqual(self.enriched(doc), {"id": "o-1", "qty": 3, "note": "kept"})
        self.assertEqual(doc["_s3proc"]["source_key"], "input/json/schema/good.json")

    def test_json_with_a_filter_writes_its_result(self):
        for rel in ("json/filter/good.json", "json/both/good.json"):
            with self.subTest(rel=rel):
                [doc] = self.output(rel)
                self.assertEqual(self.enriched(doc), {"order": "o-1", "qty": 3})
                self.assertEqual(doc["_s3proc"]["source_key"], "input/" + rel)

    def test_json_with_several_results_is_ndjson(self):
        got = self.output("json/many/order.json")
        self.assertEqual(len(got), 3, got)
        self.assertEqual(self.enriched(got[0]), {"sku": "a"})
        self.assertEqual(got[1], 2)  # not an object: written as it is
        self.assertEqual(self.enriched(got[2]), {"sku": "b"})
        self.assertTrue(self.outputs["output/json/many/order.json"].endswith(b"}\n"))

    def test_json_with_no_result_is_rejected_or_skipped_as_declared(self):
        [doc] = self.output("json/none/keep.json")
        self.assertEqual(self.enriched(doc), {"keep": True})
        # "json/none/drop.json" is rejected (see BAD); with empty = "skip" the output is empty.
        self.assertEqual(self.outputs["output/json/skip/drop.json"], b"")

    def test_ndjson_checks_and_filters_each_line(self):
        expected = {
            "ndjson/schema/good.ndjson": [{"id": "o-1", "qty": 3}, {"id": "o-2", "qty": 4}],
            "ndjson/filter/good.ndjson": [{"order": "o-1", "qty": 3}, {"order": "o-2", "qty": 4}],
            "ndjson/both/good.ndjson": [{"order": "o-1", "qty": 3}, {"order": "o-2", "qty": 4}],
        }
        for rel, want in expected.items():
            with self.subTest(rel=rel):
                got = self.output(rel)
                self.assertEqual([self.enriched(v) for v in got], want)
                self.assertEqual([v["_s3proc"]["line"] for v in got], [1, 2])

    def test_csv_rows_are_typed_by_the_schema_and_carry_no_metadata(self):
        expected = {
            # qty is declared an integer: written as one; note is not declared: text.
            "csv/schema/good.csv": [{"id": "o-1", "qty": 3, "note": "x"},
                                    {"id": "o-2", "qty": 4, "note": ""}],
            "csv/filter/good.csv": [{"order": "o-1", "qty": 3}, {"order": "o-2", "qty": 4}],
            "csv/both/good.csv": [{"order": "o-1", "qty": 3}, {"order": "o-2", "qty": 4}],
        }
        for rel, want in expected.items():
            with self.subTest(rel=rel):
                self.assertEqual(self.output(rel), want)

    def test_a_missing_schema_file_stops_the_run_before_any_request(self):
        err = self.missing_err
        self.assertEqual(self.missing_code, 2, err[-3000:])
        self.assertIn(f"route 1 ('json/schema/*'): schema {self.missing}: cannot be read", err)
        requests = [e for e in e2e.events(err) if e.get("event") == "requests"]
        self.assertEqual([(r["s3"], r["retries"]) for r in requests], [(0, 0)], err[-3000:])
        self.assertEqual(sorted(self.left_by_missing),
                         sorted("input/" + rel for rel in self.inputs))

if __name__ == "__main__":
    unittest.main(verbosity=2)
