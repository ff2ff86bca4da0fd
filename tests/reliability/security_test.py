#!/usr/bin/python3
"""Security properties of the real binary, as tests: no secret, token or signature in any log;
TLS verified (a self-signed HTTPS endpoint is refused unless AWS_CA_BUNDLE names its CA);
planted symlinks in downloads/ and processed/ never followed; keys never write outside the work
dir; the exec processor never hands a key to a shell; local files private."""

import json
import os
import ssl
import stat
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reliability_util as ru  # noqa: E402
from reliability_util import e2e  # noqa: E402

HOSTILE_KEYS = [
    "../../../../../../tmp/s3proc-escape.json",
    "a/../../../outside.json",
    "$(touch pwned-subst).json",
    "`touch pwned-tick`.json",
    "x;touch pwned-semi;.json",
    "x' ; touch pwned-quote ; '.json",
    "-rf.json",
    "x\ntouch pwned-newline.json",
]


def tree(path):
    out = set()
    for root, dirs, files in os.walk(path):
        for name in dirs + files:
            out.add(os.path.relpath(os.path.join(root, name), path))
    return out


class Security(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s3 = e2e.s3_client()

    def seeded_bucket(self, keys):
        bucket = e2e.new_bucket(self.s3)
        for i, key in enumerate(keys):
            self.s3.put_object(Bucket=bucket, Key="input/" + key, Body=json.dumps({"i": i}).encode())
        return bucket

    def test_no_secret_token_or_signature_in_any_log(self):
        secret = os.environ["AWS_SECRET_ACCESS_KEY"]
        token = "FQoGZXIvYXdzE-s3proc-test-session-token-must-never-be-logged"
        bucket = self.seeded_bucket([f"s/{i}.json" for i in range(20)] + ["bad.json"])
        self.s3.put_object(Bucket=bucket, Key="input/bad.json", Body=b"{")
        proxy = ru.Proxy(["*:503=0.2", "get:flip=0.1", "put:reset=0.1"], seed_value=2)
        logs = []
        try:
            for fmt in ("json", "text"):
                work = e2e.WorkDir()
                # A good run through faults, then runs that fail authentication: with a wrong
                # secret, and with a session token the server does not know.
                for env in ({}, {"AWS_SECRET_ACCESS_KEY": secret[::-1]},
                            {"AWS_SESSION_TOKEN": token}):
                    cmd = [e2e.BINARY, "run", "--bucket", bucket, "--work-dir", work.path,
                           "--endpoint-url", proxy.endpoint, "--log-format", fmt]
                    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300,
                                       env={**os.environ, **env})
                    logs.append(p.stdout + p.stderr)
                for sub in ("status",):
                    p = subprocess.run([e2e.BINARY, sub, "--bucket", bucket, "--work-dir",
                                        work.path, "--endpoint-url", proxy.endpoint],
                                       capture_output=True, text=True, timeout=120)
                    logs.append(p.stdout + p.stderr)
                work.cleanup()
        finally:
            proxy.stop()
        text = "\n".join(logs)
        signatures = proxy.proxy.signatures
        self.assertGreater(len(signatures), 10)
        self.assertNotIn(secret, text)
        self.assertNotIn(secret[::-1], text)
        self.assertNotIn(token, text)
        self.assertNotIn("Signature=", text)
        self.assertNotIn("X-Amz-Signature", text)
        leaked = [s for s in signatures if s in text]
        self.assertEqual(leaked, [])

    def test_tls_is_verified_and_aws_ca_bundle_is_honoured(self):
        d = tempfile.mkdtemp(prefix="s3proc-tls-")
        cert, key = os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", key, "-out", cert], check=True, capture_output=True)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        proxy = ru.Proxy([], ssl_context=context)
        bucket = self.seeded_bucket(["tls.json"])
        endpoint = f"https://127.0.0.1:{proxy.port}"
        try:
            for env in ({"AWS_CA_BUNDLE": ""}, {"AWS_CA_BUNDLE": "/etc/ssl/certs/ca-certificates.crt"}):
                base = {k: v for k, v in os.environ.items() if k != "AWS_CA_BUNDLE"}
                if env["AWS_CA_BUNDLE"]:
                    base.update(env)
                work = e2e.WorkDir()
                p = subprocess.run([e2e.BINARY, "run", "--bucket", bucket, "--work-dir", work.path,
                                    "--endpoint-url", endpoint], capture_output=True, text=True,
                                   timeout=120, env=base)
                work.cleanup()
                self.assertNotEqual(p.returncode, 0, "a self-signed endpoint was trusted")
                self.assertIn("AWS_CA_BUNDLE", p.stderr)
            self.assertEqual(e2e.keys(self.s3, bucket, "output/"), [])
            work = e2e.WorkDir()
            r = ru.run_s3proc(bucket, work.path, endpoint, env={"AWS_CA_BUNDLE": cert})
            work.cleanup()
            self.assertEqual(r.code, 0, r.stderr[-2000:])
            self.assertEqual(e2e.keys(self.s3, bucket, "output/"), ["output/tls.json"])
        finally:
            proxy.stop()

    def test_planted_symlinks_are_never_followed(self):
        keys = [f"link/{i}.json" for i in range(30)]
        root = tempfile.mkdtemp(prefix="s3proc-symlink-")
        victim = os.path.join(root, "victim.txt")
        with open(victim, "w") as f:
            f.write("precious\n")
        outside = os.path.join(root, "outside")
        os.mkdir(outside)
        # Learn the local names these keys get, with one run that keeps its files.
        learn_bucket = self.seeded_bucket(keys)
        learn = os.path.join(root, "learn")
        r = ru.run_s3proc(learn_bucket, learn, e2e.ENDPOINT, "--keep-local-files")
        self.assertEqual(r.code, 0, r.stderr[-2000:])
        names = {sub: sorted(n for n in os.listdir(os.path.join(learn, sub)) if ".tmp" not in n)
                 for sub in ("downloads", "processed")}
        self.assertEqual(len(names["downloads"]), len(keys))

        # Same keys in a new bucket; every final name in downloads/ and processed/ is a symlink
        # to the victim, and a few more point into a directory outside.
        bucket = self.seeded_bucket(keys)
        work = os.path.join(root, "work")
        for sub in ("downloads", "processed"):
            os.makedirs(os.path.join(work, sub))
            for n, name in enumerate(names[sub]):
                target = victim if n % 2 else os.path.join(outside, name)
                os.symlink(target, os.path.join(work, sub, name))
        for _ in range(3):
            r = ru.run_s3proc(bucket, work, e2e.ENDPOINT)
            if r.code == 0:
                break
        with open(victim) as f:
            self.assertEqual(f.read(), "precious\n", "the symlink's target was written")
        self.assertEqual(os.listdir(outside), [], "a file was created through a symlink")
        # Nothing lost: processed, or (if s3proc refuses to work there) still in input/.
        done = set(e2e.keys(self.s3, bucket, "output/"))
        left = set(e2e.keys(self.s3, bucket, "input/"))
        self.assertEqual({k.split("/", 1)[1] for k in done | left}, set(keys))
        self.assertEqual(r.code, 0, "s3proc should replace planted links, not stop: "
                         + r.stderr[-2000:])

        # downloads/ itself a symlink to a directory outside the work dir.
        bucket2 = self.seeded_bucket(keys[:5])
        work2 = os.path.join(root, "work2")
        os.makedirs(work2)
        os.symlink(outside, os.path.join(work2, "downloads"))
        ru.run_s3proc(bucket2, work2, e2e.ENDPOINT)
        self.assertEqual(os.listdir(outside), [], "downloads/ was followed out of the work dir")
        done = set(e2e.keys(self.s3, bucket2, "output/")) | set(e2e.keys(self.s3, bucket2, "input/"))
        self.assertEqual(len(done), 5)
        subprocess.run(["rm", "-rf", root])

    def test_keys_never_write_outside_the_work_dir_nor_reach_a_shell(self):
        root = tempfile.mkdtemp(prefix="s3proc-escape-")
        work = os.path.join(root, "a", "b", "work")
        os.makedirs(work)
        bucket = self.seeded_bucket(HOSTILE_KEYS)
        before_tmp = set(os.listdir("/tmp"))
        # exec through a real program that copies its input; {input} is a local path.
        r = ru.run_s3proc(bucket, work, e2e.ENDPOINT, "--default-processor", "exec",
                          "--exec-command", "/bin/cp", "--exec-command", "{input}",
                          "--exec-command", "/dev/stdout", "--keep-local-files",
                          env={"PWD": root})
        self.assertEqual(r.code, 0, r.stderr[-2000:])
        self.assertEqual(tree(root) - tree(work) - {"a", "a/b", "a/b/work"}
                         - {os.path.join("a/b/work", p) for p in tree(work)}, set())
        self.assertFalse([n for n in os.listdir("/tmp") if n not in before_tmp
                          and ("escape" in n or "pwned" in n) and "s3proc-escape-" not in n])
        for d in (root, work, os.getcwd()):
            self.assertFalse([n for n in os.listdir(d) if n.startswith("pwned")], d)
        outputs = set(e2e.keys(self.s3, bucket, "output/"))
        self.assertEqual(len(outputs), len(HOSTILE_KEYS))
        for sub in ("downloads", "processed"):
            for name in os.listdir(os.path.join(work, sub)):
                self.assertNotIn("/", name)
                self.assertFalse(name.startswith("."), name)
        subprocess.run(["rm", "-rf", root])

    def test_local_files_stay_private_under_a_permissive_umask(self):
        bucket = self.seeded_bucket(["p/1.json", "p/2.json"])
        work = e2e.WorkDir()
        old = os.umask(0o022)  # cron's default
        try:
            r = ru.run_s3proc(bucket, work.path, e2e.ENDPOINT, "--keep-local-files")
        finally:
            os.umask(old)
        self.assertEqual(r.code, 0, r.stderr[-2000:])
        public = []
        for root, dirs, files in os.walk(work.path):
            for name in dirs + files:
                path = os.path.join(root, name)
                mode = stat.S_IMODE(os.lstat(path).st_mode)
                # The customer's data (downloads/, processed/) is private; the work dir's
                # identity file holds a host name and a random id, nothing secret.
                if mode & 0o077 and name != ".s3proc-id":
                    public.append(f"{os.path.relpath(path, work.path)} {oct(mode)}")
        work.cleanup()
        self.assertEqual(public, [], "downloaded and processed data readable by other users")


if __name__ == "__main__":
    unittest.main(verbosity=2, warnings="ignore")
