#!/usr/bin/python3
"""SigV4 oracle: signs a corpus of S3 requests with botocore's own S3SigV4Auth (Debian's
python3-botocore), and of SQS JSON-protocol requests with its SigV4Auth for service "sqs" (which
signs the payload hash but sends no x-amz-content-sha256), and prints, per request, the inputs
and what botocore computed, as JSON.

src/aws/sigv4_test.cc signs the same inputs with s3proc's signer and compares. The corpus is
here, in one place; botocore is the judge, not us.
"""
import datetime
import hashlib
import json
import sys
import types
from urllib.parse import quote

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

AMZ_DATE = "20261128T160406Z"
FIXED = datetime.datetime(2026, 11, 28, 16, 4, 6)


class _FixedDateTime(datetime.datetime):
    @classmethod
    def utcnow(cls):
        return FIXED


# botocore reads the clock through its own module reference; pin it so signatures are stable.
botocore.auth.datetime = types.SimpleNamespace(datetime=_FixedDateTime)

LONG_KEY = "AKIAIOSFODNN7EXAMPLE"
LONG_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
SESSION_TOKEN = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+token/with+plus=="


def case(name, method, bucket, key, query=(), headers=None, body=b"", token="",
         host="127.0.0.1:7480", region="us-east-1", path_style=True, service="s3"):
    return dict(name=name, method=method, bucket=bucket, key=key, query=list(query),
                headers=headers or {}, body=body.decode("latin-1"), token=token, host=host,
                region=region, path_style=path_style, service=service)


def sqs_case(name, action, body, token="", host="sqs.eu-west-1.amazonaws.com",
             region="eu-west-1"):
    """An SQS JSON-protocol request as SqsClient sends it: POST / with these headers."""
    headers = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AmazonSQS." + action,
               "x-amzn-query-mode": "true"}
    return case(name, "POST", "", "", headers=headers, body=json.dumps(body).encode(), token=token,
                host=host, region=region, service="sqs")


CORPUS = [
    case("list first page", "GET", "b", "", [("list-type", "2"), ("prefix", "input/")]),
    case("list unsorted params", "GET", "b", "",
         [("prefix", "input/"), ("max-keys", "1000"), ("list-type", "2"), ("fetch-owner", "false")]),
    case("list continuation token with +/=", "GET", "b", "",
         [("list-type", "2"), ("continuation-token", "1vR+abc/def==xyz"), ("prefix", "input/")]),
    case("list with delimiter and start-after", "GET", "b", "",
         [("list-type", "2"), ("delimiter", "/"), ("start-after", "input/a b+c%d")]),
    case("list unicode prefix", "GET", "b", "", [("list-type", "2"), ("prefix", "input/日本語/é")]),
    case("get simple", "GET", "b", "input/a.json"),
    case("get key with spaces", "GET", "b", "input/my file (1).json"),
    case("get key with plus and percent", "GET", "b", "input/a+b%20c.json"),
    case("get key with unicode", "GET", "b", "input/données/文件.json"),
    case("get key with reserved", "GET", "b", "input/!$&'()*,;=:@[]#?.json"),
    case("get key with tilde and dots", "GET", "b", "input/~user/../x/./y.json"),
    case("get key with double slash", "GET", "b", "input//double//slash.json"),
    case("get version", "GET", "b", "input/a.json", [("versionId", "3/L4kqtJl40Nr8X8gdRQBpUMLUo")]),
    case("get with range", "GET", "b", "input/a.json", headers={"Range": "bytes=0-9"}),
    case("head", "HEAD", "b", "input/a.json"),
    case("head with session token", "HEAD", "b", "input/a.json", token=SESSION_TOKEN),
    case("put small", "PUT", "b", "output/a.json", body=b'{"a":1}',
         headers={"Content-MD5": "sq9Fy5sUq+RtFHa0FbxpTQ==", "Content-Type": "application/json"}),
    case("put empty body", "PUT", "b", "leases/shard-00", body=b""),
    case("put if-none-match", "PUT", "b", "leases/shard-01", body=b"lease",
         headers={"If-None-Match": "*"}),
    case("put if-match", "PUT", "b", "leases/shard-02", body=b"lease",
         headers={"If-Match": '"9b2cf535f27731c974343645a3985328"'}),
    case("put with metadata spaces", "PUT", "b", "errors/x.json", body=b"x",
         headers={"x-amz-meta-reason": "  invalid   JSON:  trailing  garbage  "}),
    case("put session token", "PUT", "b", "output/t.json", body=b"t", token=SESSION_TOKEN),
    case("create multipart (valueless ?uploads)", "POST", "b", "output/big.bin", [("uploads", "")]),
    case("upload part", "PUT", "b", "output/big.bin",
         [("uploadId", "2~abc+def/ghi="), ("partNumber", "7")], body=b"p" * 1000),
    case("upload part 10 sorts after 2", "PUT", "b", "output/big.bin",
         [("partNumber", "10"), ("uploadId", "x")], body=b"q"),
    case("complete multipart", "POST", "b", "output/big.bin", [("uploadId", "2~abc+def/ghi=")],
         body=b"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>\"e\"</ETag></Part>"
              b"</CompleteMultipartUpload>"),
    case("abort multipart", "DELETE", "b", "output/big.bin", [("uploadId", "2~abc+def/ghi=")]),
    case("delete", "DELETE", "b", "input/a.json"),
    case("delete version", "DELETE", "b", "input/a.json", [("versionId", "null")]),
    case("delete objects (valueless ?delete)", "POST", "b", "", [("delete", "")],
         body=b"<Delete><Quiet>true</Quiet><Object><Key>input/a</Key></Object></Delete>",
         headers={"Content-MD5": "abc=="}),
    case("copy", "PUT", "b", "input/x.json",
         headers={"x-amz-copy-source": "/b/errors/x.json?versionId=v1",
                  "x-amz-metadata-directive": "COPY"}),
    case("create bucket", "PUT", "new-bucket", ""),
    case("bucket versioning", "PUT", "b", "", [("versioning", "")],
         body=b"<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>"),
    case("other region", "GET", "b", "input/a.json", region="eu-west-3"),
    case("virtual hosted AWS", "GET", "my-bucket", "input/a b.json",
         host="my-bucket.s3.eu-west-1.amazonaws.com", region="eu-west-1", path_style=False),
    case("repeated query name", "GET", "b", "", [("z", "2"), ("a", "1"), ("z", "1")]),
    case("maximal key", "GET", "b", "input/" + "k" * 1018),
    sqs_case("sqs receive", "ReceiveMessage",
             {"QueueUrl": "https://sqs.eu-west-1.amazonaws.com/123456789012/q",
              "MaxNumberOfMessages": 10, "WaitTimeSeconds": 20, "VisibilityTimeout": 300,
              "MessageSystemAttributeNames": ["ApproximateReceiveCount"]}),
    sqs_case("sqs delete batch with session token", "DeleteMessageBatch",
             {"QueueUrl": "https://sqs.eu-west-1.amazonaws.com/123456789012/q",
              "Entries": [{"Id": "0", "ReceiptHandle": "AQEB+x/y=="}]}, token=SESSION_TOKEN),
    sqs_case("sqs on moto", "GetQueueAttributes",
             {"QueueUrl": "http://127.0.0.1:5000/123456789012/q",
              "AttributeNames": ["ApproximateNumberOfMessages", "RedrivePolicy"]},
             host="127.0.0.1:5000", region="us-east-1"),
    sqs_case("sqs unicode body", "ChangeMessageVisibility",
             {"QueueUrl": "https://sqs.eu-west-1.amazonaws.com/123456789012/données",
              "ReceiptHandle": "h", "VisibilityTimeout": 0}),
]


def sign(c):
    path = "/" + c["bucket"] if c["path_style"] else ""
    if c["key"]:
        path += "/" + c["key"]
    encoded_path = quote(path, safe="/~") or "/"
    scheme = "https" if c["host"].endswith(".amazonaws.com") else "http"
    url = scheme + "://" + c["host"] + encoded_path
    body = c["body"].encode("latin-1")
    request = AWSRequest(method=c["method"], url=url, data=body,
                         params=[(k, v) for k, v in c["query"]], headers=dict(c["headers"]))
    creds = Credentials(LONG_KEY, LONG_SECRET, c["token"] or None)
    if c["service"] == "s3":
        signer = botocore.auth.S3SigV4Auth(creds, "s3", c["region"])
    else:
        signer = botocore.auth.SigV4Auth(creds, c["service"], c["region"])
    canonical_holder = {}
    original = signer.canonical_request

    def capture(req):
        result = original(req)
        canonical_holder["canonical"] = result
        return result

    signer.canonical_request = capture
    signer.add_auth(request)
    out = dict(c)
    out.update(
        amz_date=AMZ_DATE,
        encoded_path=encoded_path,
        access_key=LONG_KEY,
        secret_key=LONG_SECRET,
        payload_sha256=hashlib.sha256(body).hexdigest(),
        canonical_request=canonical_holder["canonical"],
        authorization=request.headers["Authorization"],
        sends_content_sha256="X-Amz-Content-SHA256" in request.headers,
    )
    return out


def main():
    json.dump([sign(c) for c in CORPUS], sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
