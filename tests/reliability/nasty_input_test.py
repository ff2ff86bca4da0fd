#!/usr/bin/python3
"""Hostile documents through the real binary: deep nesting, huge numbers, long strings and
lines, invalid UTF-8, BOMs, NULs, zip-bomb-like and broken .gz, nasty keys. Each must end in
output/ (valid) or errors/ (with a reason), never crash or hang the run, and never both."""

import gzip
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reliability_util as ru  # noqa: E402
from reliability_util import e2e  # noqa: E402

MiB = 1 << 20


def nasty_documents():
    """{relative key: (body, expected)}: expected is 'output', 'errors' or 'either'."""
    bomb = gzip.compress(b" " * (64 * MiB), 9)           # ~64 KiB that inflates to 64 MiB
    inner = gzip.compress(b"{}" + b" " * (8 * MiB), 9)
    return {
        "deep/array-100k.json": (b"[" * 100_000 + b"]" * 100_000, "errors"),
        "deep/object-100k.json": (b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "errors"),
        "deep/array-500.json": (b"[" * 500 + b"]" * 500, "output"),
        "deep/unclosed.json": (b"[" * 5000, "errors"),
        "numbers/1e400.json": (b'{"n": 1e400}', "errors"),
        "numbers/-1e400.json": (b"[-1e400]", "errors"),
        "numbers/30-digits.json": (b'{"id": 123456789012345678901234567890}', "output"),
        "numbers/1000-digits.json": (b"[" + b"9" * 1000 + b"]", "either"),
        "numbers/tiny.json": (b"[1e-400]", "either"),
        "numbers/nan.json": (b"[NaN]", "errors"),
        "strings/long-8MiB.json": (b'{"s": "' + b"x" * (8 * MiB) + b'"}', "output"),
        "strings/escapes.json": (b'["\\u0000\\ud800\\udc00\\\\\\"\\/"]', "output"),
        "strings/lone-surrogate.json": (b'["\\ud800"]', "either"),
        "utf8/invalid.json": (b'{"s": "\xff\xfe"}', "errors"),
        "utf8/overlong.json": (b'{"s": "\xc0\xaf"}', "errors"),
        "utf8/surrogate-bytes.json": (b'{"s": "\xed\xa0\x80"}', "errors"),
        "utf8/truncated.json": (b'{"s": "\xe2\x82"}', "errors"),
        "bom/json.json": (b'\xef\xbb\xbf{"a": 1}', "output"),
        "bom/double.json": (b'\xef\xbb\xbf\xef\xbb\xbf{"a": 1}', "errors"),
        "bom/utf16.json": ('{"a": 1}'.encode("utf-16"), "errors"),
        "bom/ndjson.ndjson": (b'\xef\xbb\xbf{"a": 1}\n{"b": 2}\n', "output"),
        "bom/csv.csv": (b"\xef\xbb\xbfa,b\n1,2\n", "output"),
        "nul/in-json.json": (b'{"a": 1}\x00', "errors"),
        "nul/in-csv.csv": (b"a,b\n1,\x00\n", "either"),
        "empty/json.json": (b"", "errors"),
        "empty/ndjson.ndjson": (b"", "either"),
        "empty/csv.csv": (b"", "errors"),
        "lines/ndjson-long-line.ndjson": (b'{"s":"' + b"y" * (80 * MiB) + b'"}\n', "either"),
        "lines/ndjson-blank.ndjson": (b'{"a":1}\n\n\n', "errors"),
        "lines/csv-100k-columns.csv": (b",".join(b"c%d" % i for i in range(100_000)) + b"\n"
                                       + b",".join(b"1" for _ in range(100_000)) + b"\n", "either"),
        "lines/csv-unterminated-quote.csv": (b'a,b\n"1,2\n', "errors"),
        "lines/csv-huge-field.csv": (b'a\n"' + b"z" * (80 * MiB) + b'"\n', "either"),
        "gz/bomb-64MiB.json.gz": (bomb, "errors"),
        "gz/nested.json.gz": (gzip.compress(inner), "errors"),
        "gz/truncated.json.gz": (gzip.compress(b'{"a": 1}' * 1000)[:-20], "errors"),
        "gz/not-gzip.json.gz": (b'{"a": 1}', "errors"),
        "gz/empty.json.gz": (b"", "errors"),
        "gz/ok.json.gz": (gzip.compress(b'{"a": 1}'), "output"),
        "keys/../../escape.json": (b'{"k": 1}', "output"),
        "keys/%2e%2e/x.json": (b'{"k": 2}', "output"),
        "keys/ctl-\x01\x1f.json": (b'{"k": 3}', "output"),
        "keys/" + "long-" * 190 + ".json": (b'{"k": 4}', "output"),
        "keys/unicode-\u202e\ufeff😀.json": (b'{"k": 5}', "output"),
        "keys/./dot.json": (b'{"k": 6}', "output"),
    }


class NastyInput(unittest.TestCase):
    def test_nasty_documents_end_in_output_or_errors(self):
        s3 = e2e.s3_client()
        bucket = e2e.new_bucket(s3)
        docs = nasty_documents()
        for rel, (body, _) in docs.items():
            s3.put_object(Bucket=bucket, Key="input/" + rel, Body=body)
        work = e2e.WorkDir()
        try:
            # 16 MiB of decompressed .gz at most: the bombs must be refused, not inflated.
            for _ in range(3):
                r = ru.run_s3proc(bucket, work.path, e2e.ENDPOINT, "--concurrency", "4",
                                  "--max-decompressed-bytes", str(16 * MiB), *ru.ROUTES,
                                  timeout=300)
                self.assertIn(r.code, (0, 1), r.stderr[-3000:])
                if r.code == 0:
                    break
            self.assertEqual(r.code, 0, r.stderr[-3000:])
            self.assertEqual(e2e.keys(s3, bucket, "input/"), [])
            outputs = set(e2e.keys(s3, bucket, "output/"))
            errors = set(e2e.keys(s3, bucket, "errors/"))
            wrong = []
            for rel, (body, expected) in docs.items():
                out, err = "output/" + rel in outputs, "errors/" + rel in errors
                got = "output" if out else "errors" if err else "lost"
                if out and err or got == "lost" or expected not in ("either", got):
                    wrong.append(f"{rel[:60]!r}: expected {expected}, got "
                                 f"{'both' if out and err else got}")
                if err:
                    self.assertIn("errors/" + rel + ".error.json", errors, rel)
                if out and not rel.endswith((".csv", ".ndjson")):
                    body = s3.get_object(Bucket=bucket, Key="output/" + rel)["Body"].read()
                    json.loads(gzip.decompress(body) if rel.endswith(".gz") else body)
            self.assertEqual(wrong, [])
            self.assertLess(r.peak_rss_kib / 1024, 1024, "a bomb was inflated in memory")
            print(f"nasty input: {len(docs)} documents, {len(outputs)} in output/, "
                  f"{len(errors) // 2} in errors/", file=sys.stderr)
        finally:
            work.cleanup()


if __name__ == "__main__":
    unittest.main(verbosity=2, warnings="ignore")
