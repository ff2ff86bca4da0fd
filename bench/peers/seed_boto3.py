#!/usr/bin/python3
"""The seed approach: the sequential boto3 script a user would otherwise write and run from cron.

List input/, download each object to downloads/, json.load it, add a field, write processed/,
upload to output/ (or copy the original to errors/ with an errors/<key>.error.json reason),
delete the input (one DeleteObject per input, right after it is handled). With --passthrough the document is copied unchanged (for large files, which
json.load would hold whole in memory several times over).

    seed_boto3.py --bucket B --work-dir W --endpoint-url URL [--passthrough]
"""
import argparse
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
import job  # noqa: E402


def main():
    args = job.parse_args(__doc__)
    s3 = job.client(args.endpoint_url, max_pool=1)
    done = rejected = 0
    for key in job.list_keys(s3, args.bucket, "input/"):
        if job.process_one(s3, args, key) == "rejected":
            rejected += 1
        else:
            done += 1
    print(f"done={done} rejected={rejected}", file=sys.stderr)


if __name__ == "__main__":
    main()
