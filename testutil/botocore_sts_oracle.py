#!/usr/bin/python3
"""STS oracle: makes botocore's own STS client (Debian's python3-botocore) build AssumeRole and
AssumeRoleWithWebIdentity requests, catches each just before it would be sent, and prints what
botocore would have sent (body, Content-Type, X-Amz-Date, Authorization) with the inputs, as JSON.

src/aws/sts_client_test.cc sends the same calls through s3proc's StsClient, with its clock set to
botocore's X-Amz-Date, and compares: the same body, and the same SigV4 signature.
"""
import json
import sys

import botocore.session

KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
TOKEN = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+token/with+plus=="

CORPUS = [
    dict(name="assume role, long-term keys", operation="AssumeRole", region="us-east-1",
         endpoint="https://sts.us-east-1.amazonaws.com", token="",
         params=dict(RoleArn="arn:aws:iam::123456789012:role/reader",
                     RoleSessionName="s3proc-1764345846")),
    dict(name="assume role, every option, session token", operation="AssumeRole",
         region="eu-west-3", endpoint="https://sts.eu-west-3.amazonaws.com", token=TOKEN,
         params=dict(RoleArn="arn:aws:iam::123456789012:role/path/with space+plus",
                     RoleSessionName="me@example.com", DurationSeconds=3600,
                     ExternalId="ext/id+with=chars é")),
    dict(name="assume role on moto", operation="AssumeRole", region="us-east-1",
         endpoint="http://127.0.0.1:5000", token="",
         params=dict(RoleArn="arn:aws:iam::123456789012:role/r", RoleSessionName="s3",
                     DurationSeconds=900)),
    dict(name="web identity (unsigned)", operation="AssumeRoleWithWebIdentity",
         region="us-west-2", endpoint="https://sts.us-west-2.amazonaws.com", token="",
         params=dict(RoleArn="arn:aws:iam::123456789012:role/pod",
                     RoleSessionName="s3proc-1", WebIdentityToken="eyJhbGciOi.payload.sig-_")),
]


class Caught(Exception):
    pass


def capture(case):
    session = botocore.session.get_session()
    client = session.create_client(
        "sts", region_name=case["region"], endpoint_url=case["endpoint"],
        aws_access_key_id=KEY, aws_secret_access_key=SECRET,
        aws_session_token=case["token"] or None)
    seen = {}

    def before_send(request, **_):
        seen.update(url=request.url, body=request.body.decode() if isinstance(
            request.body, bytes) else request.body, headers={
            k.lower(): (v.decode() if isinstance(v, bytes) else v)
            for k, v in request.headers.items()})
        raise Caught()

    client.meta.events.register("before-send", before_send)
    method = {"AssumeRole": client.assume_role,
              "AssumeRoleWithWebIdentity": client.assume_role_with_web_identity}
    try:
        method[case["operation"]](**case["params"])
    except Caught:
        pass
    headers = seen["headers"]
    out = dict(case)
    out.update(access_key=KEY, secret_key=SECRET, url=seen["url"], body=seen["body"],
               content_type=headers.get("content-type", ""),
               amz_date=headers.get("x-amz-date", ""),
               authorization=headers.get("authorization", ""))
    return out


def main():
    json.dump([capture(c) for c in CORPUS], sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
