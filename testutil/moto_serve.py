"""moto's server on a loopback port the kernel assigns as it binds, announced through a file, so
that it never loses a race for a port picked beforehand:

    python3 moto_serve.py PORT_FILE        (a python3 that has moto)

Once listening it writes its port and a newline to PORT_FILE (by rename: a reader never sees a
half-written file), then serves every moto service until SIGTERM. serve() is the same for a
script that patches moto first (tests/queue/moto_fast_server.py); wait_for_port() is the other
side, for whoever started it.
"""

import os
import signal
import sys
import time


def serve(port_file, host="127.0.0.1", wrap=None):
    """Serves moto on HOST and a port the kernel assigns; writes that port to port_file.
    `wrap`, when given, takes moto's WSGI application and returns the one to serve."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    app = DomainDispatcherApplication(create_backend_app)
    if wrap:
        app = wrap(app)
    server = make_server(host, 0, app, threaded=True)
    port = server.server_address[1]
    # moto builds some URLs (queue URLs, presigned URLs) from it; `python -m moto.server -p P`
    # sets it the same way.
    os.environ["MOTO_PORT"] = str(port)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with open(port_file + ".tmp", "w") as f:
        f.write(f"{port}\n")
    os.rename(port_file + ".tmp", port_file)
    try:
        server.serve_forever()
    finally:
        server.server_close()


def wait_for_port(port_file, proc, timeout=60):
    """Returns the port that proc (a subprocess.Popen of this server) wrote to port_file; raises
    RuntimeError if proc exits first or nothing appears within timeout seconds."""
    deadline = time.monotonic() + timeout
    while not os.path.exists(port_file):
        if proc.poll() is not None:
            raise RuntimeError(f"moto exited with status {proc.returncode} before listening")
        if time.monotonic() > deadline:
            raise RuntimeError(f"moto did not listen within {timeout} s")
        time.sleep(0.05)
    with open(port_file) as f:
        return int(f.read())


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: moto_serve.py PORT_FILE")
    serve(sys.argv[1])
