#!/usr/bin/env python3
"""SQS oracle: what botocore (a current one, with SQS on the JSON protocol: the image's Python
3.11, not Debian's python3-botocore, which still speaks the query protocol) sends for an SQS
operation, and how it signs the request s3proc sent.

Usage: botocore_sqs_oracle.py INPUT.json. INPUT is a list of cases, each
  {"name", "operation", "params", "region", "endpoint", "amz_date", "access_key", "secret_key",
   "token", "ours": {"url", "headers": [[name, value], ...], "body"}}
and the output (stdout, JSON) is, per case:
  {"name", "body": botocore's body for `params` (parsed), "headers": the protocol headers
   botocore sent (Content-Type, X-Amz-Target, x-amzn-query-mode, ...), "signed_headers":
   botocore's SignedHeaders, "authorization": botocore's SigV4Auth of *our* request (our bytes,
   our headers, the same clock and credentials)}.
src/sqs/sqs_client_test.cc compares; botocore is the judge, not us.
"""
import datetime
import json
import sys

import botocore.auth
import botocore.session
from botocore.awsrequest import AWSRequest, AWSResponse
from botocore.credentials import Credentials

# Headers that say who the client is or carry per-call ids; not part of the protocol.
NOT_PROTOCOL = {"user-agent", "amz-sdk-invocation-id", "amz-sdk-request", "content-length",
                "authorization", "x-amz-date", "x-amz-security-token"}


def pin_clock(amz_date):
    fixed = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ")
    botocore.auth.get_current_datetime = lambda *a, **k: fixed


class _Raw:
    def stream(self, **_):
        return iter([b"{}"])


def botocore_request(c):
    session = botocore.session.get_session()
    client = session.create_client(
        "sqs", region_name=c["region"], endpoint_url=c["endpoint"],
        aws_access_key_id=c["access_key"], aws_secret_access_key=c["secret_key"],
        aws_session_token=c["token"] or None)
    seen = {}

    def before_send(request, **_):
        seen["request"] = request
        return AWSResponse(request.url, 200, {"x-amzn-requestid": "oracle"}, _Raw())

    client.meta.events.register("before-send.sqs.*", before_send)
    method = client.meta.method_to_api_mapping
    name = {v: k for k, v in method.items()}[c["operation"]]
    getattr(client, name)(**c["params"])
    return seen["request"]


def header(request, name):
    value = request.headers.get(name)
    return value.decode() if isinstance(value, bytes) else value


def resign_ours(c):
    ours = c["ours"]
    headers = {k: v for k, v in ours["headers"]
               if k.lower() not in ("authorization", "x-amz-date", "x-amz-security-token")}
    request = AWSRequest(method="POST", url=ours["url"], data=ours["body"].encode(),
                         headers=headers)
    creds = Credentials(c["access_key"], c["secret_key"], c["token"] or None)
    botocore.auth.SigV4Auth(creds, "sqs", c["region"]).add_auth(request)
    return request.headers["Authorization"]


def answer(c):
    pin_clock(c["amz_date"])
    sent = botocore_request(c)
    headers = {k: header(sent, k) for k in sent.headers.keys() if k.lower() not in NOT_PROTOCOL}
    auth = header(sent, "Authorization")
    signed = auth.split("SignedHeaders=")[1].split(",")[0]
    return {"name": c["name"], "url": sent.url, "body": json.loads(sent.body),
            "headers": headers, "signed_headers": signed, "authorization": resign_ours(c)}


def main():
    with open(sys.argv[1]) as f:
        cases = json.load(f)
    json.dump([answer(c) for c in cases], sys.stdout)


if __name__ == "__main__":
    main()
