#!/usr/bin/python3
"""The release artifact (make dist) in an empty root: a chroot that holds the static s3proc and
the few files any Linux host has (a CA bundle at Amazon Linux's path, /etc/hosts, resolv.conf, an
Amazon-Linux-like nsswitch.conf, /dev/null, /dev/urandom, /tmp) and nothing else: no loader, no
libc, no libcurl, no NSS modules. It must run --version, `process` and a full `run` against the
local RGW, reached by a host name that only the root's /etc/hosts knows, over HTTP and over
HTTPS with a CA it finds by itself. boto3 checks what it wrote.

The aarch64 artifact runs the same way under qemu-user (the emulator, itself static, is copied
into the root). The exec processor's close_range fallback (kernels before 5.9, such as Amazon
Linux 2's 4.14) is tested outside the root, where there is a command for it to spawn.

Environment: S3PROC_DIST_ARCH (x86_64 or aarch64), S3PROC_DIST_TARBALL (default: the newest
dist/s3proc-*-linux-ARCH.tar.gz), the local_s3 fixture's AWS_* variables. Needs root (chroot,
mknod), chroot, strace, readelf, openssl, cc and, for a foreign ARCH, qemu-ARCH-static: without
one, the cases that need it cannot run and the test exits 77 (a skip), or fails when CI=true
(tests/integration/prerequisites.py)."""

import glob
import hashlib
import json
import os
import platform
import shutil
import socket
import ssl
import subprocess
import sys
import time
import tarfile
import tempfile
import threading
import unittest
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "integration"))
import prerequisites  # noqa: E402
import s3proc_e2e as e2e  # noqa: E402

ARCH = os.environ.get("S3PROC_DIST_ARCH", platform.machine())
HOSTNAME = "s3.s3proc-dist.test"  # resolvable only through the empty root's /etc/hosts
# Amazon Linux 2's own line: glibc would dlopen libnss_myhostname from the host for it.
# Looked up with the host's PATH: the root's is "/".
CHROOT = shutil.which("chroot") or "/usr/sbin/chroot"
STRACE = shutil.which("strace") or "/usr/bin/strace"
QEMU = f"qemu-{ARCH}-static"
NSSWITCH = "passwd: files\ngroup: files\nhosts: files dns myhostname\n"


def find_tarball():
    explicit = os.environ.get("S3PROC_DIST_TARBALL")
    if explicit:
        return explicit
    found = sorted(glob.glob(os.path.join(REPO, "dist", f"s3proc-*-linux-{ARCH}.tar.gz")),
                   key=os.path.getmtime)
    if not found:
        raise SystemExit(f"no dist/s3proc-*-linux-{ARCH}.tar.gz: run `make dist ARCH={ARCH}`")
    return found[-1]


def extract_binary(tarball, dest):
    """Writes the tarball's s3proc to `dest`, executable."""
    with tarfile.open(tarball) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("/s3proc"))
        with tar.extractfile(member) as src, open(dest, "wb") as dst:
            shutil.copyfileobj(src, dst)
    os.chmod(dest, 0o755)


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True)


def make_ca(directory, name):
    """A CA and a server certificate for HOSTNAME signed by it; returns (ca, cert, key) paths."""
    ca_key, ca = os.path.join(directory, name + "-ca.key"), os.path.join(directory, name + "-ca.pem")
    key, csr = os.path.join(directory, name + ".key"), os.path.join(directory, name + ".csr")
    cert, ext = os.path.join(directory, name + ".pem"), os.path.join(directory, name + ".ext")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
            f"/CN=s3proc test CA {name}", "-keyout", ca_key, "-out", ca)
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={HOSTNAME}",
            "-keyout", key, "-out", csr)
    with open(ext, "w") as f:
        f.write(f"subjectAltName=DNS:{HOSTNAME}\nextendedKeyUsage=serverAuth\n")
    openssl("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial",
            "-days", "2", "-extfile", ext, "-out", cert)
    return ca, cert, key


class TlsFrontend:
    """HTTPS in front of the local RGW: terminates TLS (Python's ssl, i.e. OpenSSL) with a
    certificate for HOSTNAME and relays the bytes to RGW's plain-HTTP port."""

    def __init__(self, cert, key, backend):
        self.backend = backend
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(cert, key)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.handshake_failures = 0
        threading.Thread(target=self.accept_loop, daemon=True).start()

    def accept_loop(self):
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(conn,), daemon=True).start()

    def serve(self, conn):
        try:
            tls = self.context.wrap_socket(conn, server_side=True)
        except (ssl.SSLError, OSError):
            self.handshake_failures += 1
            conn.close()
            return
        upstream = socket.create_connection(self.backend)

        def pump(src, dst):
            try:
                while data := src.recv(65536):
                    dst.sendall(data)
            except OSError:
                pass
            finally:
                for s in (src, dst):
                    try:
                        s.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass

        t = threading.Thread(target=pump, args=(upstream, tls), daemon=True)
        t.start()
        pump(tls, upstream)
        t.join(timeout=30)
        tls.close()
        upstream.close()

    def close(self):
        self.listener.close()


class EmptyRoot:
    def __init__(self, tarball, ca_bundle):
        self.root = tempfile.mkdtemp(prefix="s3proc-empty-root-", dir="/var/tmp")
        extract_binary(tarball, self.path("s3proc"))
        self.write("etc/hosts", f"127.0.0.1 localhost\n127.0.0.1 {HOSTNAME}\n")
        # A resolver that does not answer: the host name must come from /etc/hosts alone.
        self.write("etc/resolv.conf", "nameserver 127.0.0.254\noptions timeout:1 attempts:1\n")
        self.write("etc/nsswitch.conf", NSSWITCH)
        self.ca_path = "etc/pki/tls/certs/ca-bundle.crt"
        self.install_ca(ca_bundle)
        os.makedirs(self.path("dev"))
        for name, minor in (("null", 3), ("urandom", 9)):
            os.mknod(self.path("dev", name), 0o20666, os.makedev(1, minor))
            os.chmod(self.path("dev", name), 0o666)
        os.makedirs(self.path("tmp"))
        os.chmod(self.path("tmp"), 0o1777)
        os.makedirs(self.path("work"))
        self.prefix = []
        if ARCH != platform.machine():
            shutil.copy(shutil.which(QEMU), self.path("qemu"))
            self.prefix = ["/qemu"]

    def path(self, *parts):
        return os.path.join(self.root, *parts)

    def write(self, rel, text):
        os.makedirs(os.path.dirname(self.path(rel)), exist_ok=True)
        with open(self.path(rel), "w") as f:
            f.write(text)

    def install_ca(self, pem_file):
        if pem_file is None:
            if os.path.exists(self.path(self.ca_path)):
                os.unlink(self.path(self.ca_path))
            return
        os.makedirs(os.path.dirname(self.path(self.ca_path)), exist_ok=True)
        shutil.copy(pem_file, self.path(self.ca_path))

    def run(self, *args, timeout=300, trace=None):
        """Runs /s3proc ARGS in the root with a minimal environment (no AWS_CA_BUNDLE); with
        `trace`, under strace, which writes the files it opened there."""
        env = {
            "PATH": "/",
            "HOME": "/work",
            "AWS_ACCESS_KEY_ID": os.environ["AWS_ACCESS_KEY_ID"],
            "AWS_SECRET_ACCESS_KEY": os.environ["AWS_SECRET_ACCESS_KEY"],
            "AWS_REGION": "us-east-1",
        }
        tracer = [STRACE, "-f", "-qq", "-e", "trace=openat,open", "-o", trace] if trace else []
        proc = subprocess.run([*tracer, CHROOT, self.root, *self.prefix, "/s3proc", *args], env=env,
                              capture_output=True, text=True, timeout=timeout, cwd="/")
        return proc.returncode, proc.stdout, proc.stderr

    def cleanup(self):
        shutil.rmtree(self.root, ignore_errors=True)


class EmptyRootTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        prerequisites.require_root("chroot, mknod")
        prerequisites.require_tools(CHROOT, STRACE, "readelf", "openssl",
                                    *([QEMU] if ARCH != platform.machine() else []))
        cls.tarball = find_tarball()
        cls.tmp = tempfile.mkdtemp(prefix="s3proc-dist-test-")
        cls.ca, cert, key = make_ca(cls.tmp, "good")
        cls.other_ca, _, _ = make_ca(cls.tmp, "other")
        backend = urllib.parse.urlparse(e2e.ENDPOINT)
        cls.rgw_port = backend.port
        cls.tls = TlsFrontend(cert, key, (backend.hostname, backend.port))
        cls.root = EmptyRoot(cls.tarball, cls.ca)
        cls.s3 = e2e.s3_client()

    @classmethod
    def tearDownClass(cls):
        cls.tls.close()
        cls.root.cleanup()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self):
        self.root.install_ca(self.ca)

    def test_the_root_has_no_loader_and_no_library(self):
        files = sorted(os.path.relpath(os.path.join(d, f), self.root.root)
                       for d, _, fs in os.walk(self.root.root) for f in fs)
        self.assertFalse([f for f in files if ".so" in f or f.startswith(("lib", "usr"))], files)
        out = subprocess.run(["readelf", "-h", "-lW", "-d", self.root.path("s3proc")],
                             capture_output=True, text=True, check=True).stdout
        self.assertNotIn("INTERP", out)
        self.assertNotIn("NEEDED", out)
        self.assertIn({"x86_64": "X86-64", "aarch64": "AArch64"}[ARCH], out)

    def test_version(self):
        code, out, err = self.root.run("--version")
        self.assertEqual(code, 0, err)
        self.assertRegex(out, r"s3proc \d+\.\d+\.\d+")
        # libjq is linked in and runs a regex filter (Oniguruma) in the empty root.
        self.assertRegex(out, r"\njq \S+ with Oniguruma \d+\.\d+\.\d+")

    def process(self, name, body, *args):
        with open(self.root.path("work", name), "wb") as f:
            f.write(body)
        out = self.root.path("work", name + ".out")
        if os.path.exists(out):
            os.unlink(out)
        code, _, err = self.root.run("process", "/work/" + name, "--output", "/work/" + name + ".out",
                                     *args)
        result = None
        if os.path.exists(out):
            with open(out, "rb") as f:
                result = f.read()
        return code, result, err

    def test_process_json_csv_and_a_rejected_file(self):
        code, out, err = self.process("doc.json", b'{"a": 1, "b": "\\u00e9"}')
        self.assertEqual(code, 0, err)
        doc = json.loads(out)
        self.assertEqual((doc["a"], doc["b"]), (1, "é"))
        self.assertIn("_s3proc", doc)

        code, out, err = self.process("table.csv", b'name,n\nann,1\n"b, c",2\n', "--processor", "csv")
        self.assertEqual(code, 0, err)
        self.assertEqual([json.loads(l) for l in out.decode().splitlines()],
                         [{"name": "ann", "n": "1"}, {"name": "b, c", "n": "2"}])

        code, out, err = self.process("broken.json", b'{"a": [1, 2')
        self.assertEqual(code, 1, err)
        self.assertIn("rejected", err)

    def seed(self, bucket):
        docs = {
            "good.json": b'{"order": 42, "items": ["a", "b"]}',
            "table.csv": b"name,n\nann,1\n",
            "bad.json": b'{"order": 42, "items": [',
            "dir/caf\u00e9 n\u00b01.json": b'[1, 2, 3]',
        }
        for rel, body in docs.items():
            self.s3.put_object(Bucket=bucket, Key="input/" + rel, Body=body)
        return docs

    def check_processed(self, bucket, docs):
        self.assertEqual(e2e.keys(self.s3, bucket, "input/"), [])
        outputs = e2e.all_objects(self.s3, bucket, "output/")
        self.assertEqual(sorted(outputs),
                         sorted("output/" + k for k in docs if k != "bad.json"))
        good = json.loads(outputs["output/good.json"])
        self.assertEqual(good["order"], 42)
        self.assertEqual(good["_s3proc"]["sha256"], hashlib.sha256(docs["good.json"]).hexdigest())
        self.assertEqual(json.loads(outputs["output/table.csv"]), {"name": "ann", "n": "1"})
        self.assertEqual(json.loads(outputs["output/dir/caf\u00e9 n\u00b01.json"]), [1, 2, 3])
        errors = e2e.all_objects(self.s3, bucket, "errors/")
        self.assertEqual(errors["errors/bad.json"], docs["bad.json"])
        self.assertEqual(json.loads(errors["errors/bad.json.error.json"])["source_key"], "input/bad.json")

    def run_in_root(self, bucket, endpoint, work):
        # A plain http:// endpoint named by a host name (not an address) must be allowed.
        insecure = ["--allow-insecure-endpoint"] if endpoint.startswith("http://") else []
        return self.root.run("run", "--bucket", bucket, "--endpoint-url", endpoint,
                             "--work-dir", work, "--route", "*.csv=csv", "--log-format", "json",
                             *insecure)

    def test_run_over_http_by_a_name_from_etc_hosts(self):
        bucket = e2e.new_bucket(self.s3)
        docs = self.seed(bucket)
        code, _, err = self.run_in_root(bucket, f"http://{HOSTNAME}:{self.rgw_port}", "/work/http")
        self.assertEqual(code, 0, err[-3000:])
        self.check_processed(bucket, docs)

    def test_run_over_https_with_the_ca_it_finds_itself(self):
        bucket = e2e.new_bucket(self.s3)
        docs = self.seed(bucket)
        code, _, err = self.run_in_root(bucket, f"https://{HOSTNAME}:{self.tls.port}", "/work/https")
        self.assertEqual(code, 0, err[-3000:])
        self.check_processed(bucket, docs)

    def test_https_without_any_ca_bundle_fails_clearly_and_keeps_the_input(self):
        bucket = e2e.new_bucket(self.s3)
        self.s3.put_object(Bucket=bucket, Key="input/good.json", Body=b"{}")
        self.root.install_ca(None)
        code, _, err = self.run_in_root(bucket, f"https://{HOSTNAME}:{self.tls.port}", "/work/noca")
        self.assertNotEqual(code, 0)
        self.assertIn("/etc/pki/tls/certs/ca-bundle.crt", err)
        self.assertIn("AWS_CA_BUNDLE", err)
        self.assertEqual(e2e.keys(self.s3, bucket, "input/"), ["input/good.json"])

    def test_name_resolution_never_loads_an_nss_module(self):
        # A name /etc/hosts does not hold goes on to DNS (which does not answer) and, for glibc,
        # to the next module in nsswitch.conf ("myhostname"), which a static glibc would dlopen
        # from the host's own libc. s3proc resolves through c-ares: no module is ever opened.
        trace = os.path.join(self.tmp, "resolve.trace")
        code, _, err = self.root.run("status", "--bucket", "no-such-bucket", "--endpoint-url",
                                     f"http://unknown.{HOSTNAME}:{self.rgw_port}",
                                     "--allow-insecure-endpoint", trace=trace)
        self.assertNotEqual(code, 0)
        self.assertIn("Could not resolve host", err)
        with open(trace) as f:
            opened = f.read()
        self.assertIn('"/etc/hosts"', opened, "the trace saw no lookup at all: it proves nothing")
        self.assertNotIn("libnss", opened)

    def test_https_with_an_untrusted_server_is_refused(self):
        bucket = e2e.new_bucket(self.s3)
        self.s3.put_object(Bucket=bucket, Key="input/good.json", Body=b"{}")
        self.root.install_ca(self.other_ca)
        failures = self.tls.handshake_failures
        code, _, err = self.run_in_root(bucket, f"https://{HOSTNAME}:{self.tls.port}", "/work/badca")
        self.assertNotEqual(code, 0)
        self.assertIn("not trusted", err)
        # The server's thread counts the refused handshake after s3proc has hung up: wait for it.
        for _ in range(200):
            if self.tls.handshake_failures > failures:
                break
            time.sleep(0.05)
        self.assertGreater(self.tls.handshake_failures, failures)
        self.assertEqual(e2e.keys(self.s3, bucket, "input/"), ["input/good.json"])
        self.assertEqual(e2e.keys(self.s3, bucket, "output/"), [])


class CloseRangeFallbackTest(unittest.TestCase):
    """posix_spawn's 'close every descriptor from 3' uses close_range(2) (Linux 5.9+); on older
    kernels glibc falls back to walking /proc/self/fd. With close_range made to fail with ENOSYS,
    the exec processor must still run its command with no descriptor leaked into it."""

    @classmethod
    def setUpClass(cls):
        prerequisites.require_tools("cc", STRACE)
        cls.tmp = tempfile.mkdtemp(prefix="s3proc-close-range-")
        cls.helper = os.path.join(cls.tmp, "without_close_range")
        subprocess.run(["cc", "-O2", "-o", cls.helper, os.path.join(HERE, "without_close_range.c")],
                       check=True)
        cls.binary = os.path.join(cls.tmp, "s3proc")
        extract_binary(find_tarball(), cls.binary)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_exec_processor_closes_descriptors_without_close_range(self):
        src = os.path.join(self.tmp, "in.txt")
        with open(src, "w") as f:
            f.write("hello\n")
        leaked = os.open(os.path.join(self.tmp, "in.txt"), os.O_RDONLY)  # inheritable on purpose
        os.set_inheritable(leaked, True)
        trace = os.path.join(self.tmp, "strace.log")
        try:
            proc = subprocess.run(
                [STRACE, "-f", "-qq", "-e", "trace=close_range", "-o", trace, self.helper,
                 self.binary, "process", src, "--processor", "exec", "--",
                 "/bin/sh", "-c", "ls /proc/self/fd; cat"],
                capture_output=True, text=True, timeout=120, pass_fds=(leaked,))
        finally:
            os.close(leaked)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        lines = proc.stdout.splitlines()
        self.assertEqual(lines[-1], "hello")
        fds = sorted(int(x) for x in lines[:-1])
        # 0-2, plus the one `ls` opens to read the directory.
        self.assertNotIn(leaked, fds, f"descriptor {leaked} leaked into the command: {fds}")
        self.assertLessEqual(len(fds), 4, fds)
        with open(trace) as f:
            calls = f.read()
        self.assertIn("ENOSYS", calls, "close_range was never tried: the test proves nothing")


def load_tests(loader, tests, pattern):
    """The close_range case runs in the native architecture's entry only (the seccomp helper runs
    native binaries): left out of the suite elsewhere, not skipped, since every skip counts as a
    missing prerequisite."""
    suite = unittest.TestSuite(loader.loadTestsFromTestCase(EmptyRootTest))
    if ARCH == platform.machine():
        suite.addTests(loader.loadTestsFromTestCase(CloseRangeFallbackTest))
    return suite


if __name__ == "__main__":
    prerequisites.main()
