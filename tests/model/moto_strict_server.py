"""moto's server made as strict as S3 where the model checker depends on it:

1. **Requests are atomic.** moto's threaded server checks a conditional write (If-None-Match: *)
   and then stores, unlocked: two racing claims of one lease could both succeed, which S3 never
   allows. Here one request is handled at a time.
2. **Damaged bodies are refused.** moto stores a PUT whose body does not match its Content-MD5
   or its signed x-amz-content-sha256; S3 answers 400 BadDigest or XAmzContentSHA256Mismatch.
   Here those are answered as S3 does, so a body the fault proxy flipped is never stored.

Usage: moto_strict_server.py PORT_FILE (testutil/moto_serve.py; wait_for_port() reads it)."""

import base64
import hashlib
import io
import os
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "testutil"))
import moto_serve  # noqa: E402


def _error(start_response, code, message):
    body = (f'<?xml version="1.0" encoding="UTF-8"?><Error><Code>{code}</Code>'
            f"<Message>{message}</Message></Error>").encode()
    start_response("400 Bad Request", [("Content-Type", "application/xml"),
                                       ("Content-Length", str(len(body)))])
    return [body]


def strict(app):
    lock = threading.Lock()

    def application(environ, start_response):
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
            # Read the whole answer under the lock: moto builds it lazily for some requests.
            return list(app(environ, start_response))

    return application


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: moto_strict_server.py PORT_FILE")
    moto_serve.serve(sys.argv[1], wrap=strict)
