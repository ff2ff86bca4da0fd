"""What the boto3 peers do for one object, written the way a user would write it."""
import argparse
import datetime
import json
import os
import shutil

import boto3
import botocore.config


def parse_args(doc, workers=False):
    p = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bucket", required=True)
    p.add_argument("--work-dir", required=True)
    # botocore 1.29 ignores AWS_ENDPOINT_URL: the endpoint must be passed explicitly.
    p.add_argument("--endpoint-url", default=os.environ.get("AWS_ENDPOINT_URL"))
    p.add_argument("--passthrough", action="store_true", help="copy documents unchanged")
    if workers:
        p.add_argument("--workers", type=int, default=32)
    args = p.parse_args()
    for sub in ("downloads", "processed"):
        os.makedirs(os.path.join(args.work_dir, sub), exist_ok=True)
    return args


def client(endpoint_url, max_pool):
    config = botocore.config.Config(max_pool_connections=max_pool,
                                    retries={"mode": "standard", "max_attempts": 5},
                                    s3={"addressing_style": "path"})
    return boto3.session.Session().client("s3", endpoint_url=endpoint_url, config=config)


def list_keys(s3, bucket, prefix):
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for obj in page.get("Contents", []):
            yield obj["Key"]


def local_name(work_dir, sub, key):
    return os.path.join(work_dir, sub, key.replace("/", "%2F"))


def process_one(s3, args, key):
    """Returns "done" or "rejected" once the input is deleted; raises on a failure the script
    cannot handle (the input then stays)."""
    rel = key[len("input/"):]
    src = local_name(args.work_dir, "downloads", key)
    dst = local_name(args.work_dir, "processed", key)
    s3.download_file(args.bucket, key, src)
    try:
        outcome = _handle(s3, args, key, rel, src, dst)
    finally:
        for path in (src, dst):
            try:
                os.remove(path)
            except FileNotFoundError:
                pass
    s3.delete_object(Bucket=args.bucket, Key=key)
    return outcome


def _handle(s3, args, key, rel, src, dst):
    if args.passthrough:
        shutil.copyfile(src, dst)
    else:
        try:
            with open(src, "rb") as f:
                doc = json.load(f)
        except ValueError as e:
            s3.upload_file(src, args.bucket, "errors/" + rel)
            s3.put_object(Bucket=args.bucket, Key="errors/" + rel + ".error.json",
                          Body=json.dumps({"key": key, "reason": str(e)}).encode())
            return "rejected"
        if isinstance(doc, dict):
            doc["_processed"] = {
                "source_key": key,
                "processed_at": datetime.datetime.now(datetime.timezone.utc).isoformat(),
                "size": os.path.getsize(src),
            }
        with open(dst, "w") as f:
            json.dump(doc, f)
    s3.upload_file(dst, args.bucket, "output/" + rel)
    return "done"

