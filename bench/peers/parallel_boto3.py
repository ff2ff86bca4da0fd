#!/usr/bin/python3
"""The parallel version of the seed script: the same job per object, on a thread pool of 32
workers sharing one boto3 client (boto3 clients are thread-safe); each worker deletes the input
it handled, as the seed script does.

    parallel_boto3.py --bucket B --work-dir W --endpoint-url URL [--passthrough] [--workers 32]
"""
import concurrent.futures
import sys
import threading

sys.path.insert(0, __import__("os").path.dirname(__file__))
import job  # noqa: E402


def main():
    args = job.parse_args(__doc__, workers=True)
    s3 = job.client(args.endpoint_url, max_pool=args.workers + 2)
    lock = threading.Lock()
    counts = {"done": 0, "rejected": 0}

    def work(key):
        outcome = job.process_one(s3, args, key)
        with lock:
            counts[outcome] += 1

    with concurrent.futures.ThreadPoolExecutor(max_workers=args.workers) as pool:
        futures = [pool.submit(work, k) for k in job.list_keys(s3, args.bucket, "input/")]
        for f in futures:
            f.result()
    print(f"done={counts['done']} rejected={counts['rejected']}", file=sys.stderr)


if __name__ == "__main__":
    main()
