"""moto's server made as strict as S3 where the model checker depends on it:

1. **Requests are atomic.** moto's threaded server checks a conditional write (If-None-Match: *)
   and then stores, unlocked: two racing claims of one lease could both succeed, which S3 never
   allows. Here one request is handled at a time.
2. **Damaged bodies are refused.** moto stores a PUT whose body does not match its Content-MD5
   or its signed x-amz-content-sha256; S3 answers 400 BadDigest or XAmzContentSHA256Mismatch.
   Here those are answered as S3 does, so a body the fault proxy flipped is never stored.
3. **DeleteObjects honours each object's `<ETag>`.** moto honours `If-Match` on DeleteObject but
   ignores the `<ETag>` condition of DeleteObjects, which S3 applies per object (an object whose
   ETag differs is not deleted and is listed as an Error with the code PreconditionFailed).
4. **CopyObject honours `If-None-Match: *`.** moto checks it on PutObject only; S3 refuses a
   copy onto an existing key with 412 as it refuses such a PUT (the user guide's "conditional
   writes": "before creating it or copying it"). Without this, a copy retried after its answer
   was lost stored a second version, which S3 would not have.

SQS requests (queue mode) pass by all of this: one held at a time would stall every S3 request
for the length of a long poll, and an event a PUT sends could not arrive during it.

Usage: moto_strict_server.py PORT_FILE (testutil/moto_serve.py; wait_for_port() reads it)."""

import base64
import hashlib
import io
import os
import sys
import threading
from urllib.parse import unquote
from xml.etree import ElementTree

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "testutil"))
import moto_serve  # noqa: E402


def _error(start_response, code, message):
    body = (f'<?xml version="1.0" encoding="UTF-8"?><Error><Code>{code}</Code>'
            f"<Message>{message}</Message></Error>").encode()
    start_response("400 Bad Request", [("Content-Type", "application/xml"),
                                       ("Content-Length", str(len(body)))])
    return [body]


# Written back without a prefix, as clients send it (moto reads the element names literally).
ElementTree.register_namespace("", "http://s3.amazonaws.com/doc/2006-03-01/")


def _precondition_failed(start_response):
    body = (b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>PreconditionFailed</Code>'
            b"<Message>At least one of the pre-conditions you specified did not hold</Message>"
            b"</Error>")
    start_response("412 Precondition Failed", [("Content-Type", "application/xml"),
                                               ("Content-Length", str(len(body)))])
    return [body]


def _copy_onto_existing_key(environ):
    """Whether a CopyObject with If-None-Match: * names a key that exists: AWS refuses it (412),
    as it refuses such a PUT; moto checks the PUT only."""
    if (environ["REQUEST_METHOD"] != "PUT" or not environ.get("HTTP_X_AMZ_COPY_SOURCE")
            or environ.get("HTTP_IF_NONE_MATCH") != "*"):
        return False
    # PATH_INFO is already percent-decoded, as WSGI bytes in latin-1.
    path = environ["PATH_INFO"].encode("latin-1").decode("utf-8")
    bucket, _, key = path.lstrip("/").partition("/")
    return _current_etag(bucket, key) is not None


def _current_etag(bucket, key):
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.s3.models import s3_backends
    found = s3_backends[DEFAULT_ACCOUNT_ID]["global"].get_object(bucket, key)
    return found.etag.strip('"') if found else None


def _conditional_delete(environ, body):
    """For a DeleteObjects request: (the body without the objects whose <ETag> condition fails,
    the XML <Error> elements to answer for them)."""
    bucket = unquote(environ["PATH_INFO"].lstrip("/").split("/", 1)[0])
    root = ElementTree.fromstring(body)
    errors = []
    for obj in list(root):
        if obj.tag.split("}")[-1] != "Object":
            continue
        fields = {child.tag.split("}")[-1]: child.text or "" for child in obj}
        if "ETag" not in fields or fields.get("VersionId"):
            continue
        current = _current_etag(bucket, fields["Key"])
        if current is not None and current != fields["ETag"].strip('"'):
            root.remove(obj)
            key = fields["Key"].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            errors.append(f"<Error><Key>{key}</Key><Code>PreconditionFailed</Code><Message>At "
                          "least one of the pre-conditions you specified did not hold</Message>"
                          "</Error>")
    return ElementTree.tostring(root), errors


def _sqs(environ):
    """Whether a request is signed for SQS (either of its protocols)."""
    return "/sqs/aws4_request" in environ.get("HTTP_AUTHORIZATION", "")


def strict(app):
    lock = threading.Lock()

    def application(environ, start_response):
        if _sqs(environ):
            return app(environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if environ["REQUEST_METHOD"] in ("PUT", "POST") and length:
            body = environ["wsgi.input"].read(length)
            environ["wsgi.input"] = io.BytesIO(body)
            md5 = environ.get("HTTP_CONTENT_MD5")
            if md5 and base64.b64encode(hashlib.md5(body).digest()).decode() != md5:
                return _error(start_response, "BadDigest",
                              "The Content-MD5 you specified did not match what we received.")
            sha = environ.get("HTTP_X_AMZ_CONTENT_SHA256", "")
            if len(sha) == 64 and hashlib.sha256(body).hexdigest() != sha:
                return _error(start_response, "XAmzContentSHA256Mismatch",
                              "The provided 'x-amz-content-sha256' header does not match what "
                              "was computed.")
        with lock:
            if _copy_onto_existing_key(environ):
                return _precondition_failed(start_response)
            errors = []
            if environ["REQUEST_METHOD"] == "POST" and "delete" in environ.get("QUERY_STRING", "") \
                    and length:
                body, errors = _conditional_delete(environ, environ["wsgi.input"].read())
                environ["wsgi.input"] = io.BytesIO(body)
                environ["CONTENT_LENGTH"] = str(len(body))
                environ.pop("HTTP_CONTENT_MD5", None)
            if not errors:
                # Read the whole answer under the lock: moto builds it lazily for some requests.
                return list(app(environ, start_response))
            captured = {}

            def capture(status, headers, exc_info=None):
                captured["status"], captured["headers"] = status, headers

            answer = b"".join(app(environ, capture))
            answer = answer.replace(b"</DeleteResult>", "".join(errors).encode() + b"</DeleteResult>")
            headers = [(n, v) for n, v in captured["headers"] if n.lower() != "content-length"]
            start_response(captured["status"], headers + [("Content-Length", str(len(answer)))])
            return [answer]

    return application


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: moto_strict_server.py PORT_FILE")
    moto_serve.serve(sys.argv[1], wrap=strict)
