"""s3proc run, status and redrive under exactly the policy the module writes, enforced for real
(run by ./least_privilege, ctest terraform.least_privilege).

1. Terraform renders the instance role's policy: a targeted apply of the module against moto
   (bucket, role, role policy only), with bucket_name set to the bucket used below. The document
   is read from `terraform show -json` and compared with what moto's IAM holds for the role: it
   is the module's, not a copy.
2. The local Ceph RGW (the local_s3 fixture) enforces it: RGW 16 has no IAM roles for S3 users,
   but it evaluates bucket policies (s3:prefix conditions included) for every user that does not
   own the bucket. So the policy's statements, with a second, non-owner RGW user as their only
   Principal, become the bucket policy; that user has no other grant. Like AWS, RGW then answers
   403, not 404, to that user's HEAD or GET of a missing key (no unconditional s3:ListBucket).
3. As that user: s3proc run on a versioned bucket with leases, a kill -9 mid-run, a second run
   that recovers, rejected files, a 65 MiB output and a 65 MiB rejected file (multipart);
   s3proc status; s3proc redrive; a final run. Every input ends in output/ or errors/, each with
   one version. Negative controls: the user is refused what the policy does not grant.

The bucket's other statements (the TLS-only Deny) are not used: RGW serves plain HTTP here.
"""

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import traceback

import tf_harness as h

P = "[least-privilege] "
MIB = 1 << 20
SLOW = 16  # inputs through a slow exec processor, so that the kill lands mid-run


def say(text):
    h.say(P, text)


class Failures(list):
    def that(self, cond, what, detail=""):
        if cond:
            say(f"ok: {what}")
        else:
            self.append(f"{what}{': ' + detail if detail else ''}")
            say(f"FAILED: {what}{': ' + str(detail)[:3000] if detail else ''}")


def env_or_skip(name):
    v = os.environ.get(name, "")
    if not v:
        h.skip_or_fail(f"{name} is not set: run through ctest (the local_s3 fixture starts RGW)")
    return v


# ---- 1. the policy, rendered by Terraform -----------------------------------------------------

def rendered_policy(mirror, bucket):
    work = h.new_work_dir("least-privilege")
    with h.Moto(work) as moto:
        tf = h.Terraform(work, mirror, moto.endpoint, "least-privilege", "".join([
            'region = "us-east-1"\n',
            f'bucket_name = "{bucket}"\n',
            'ssh_ingress_cidrs = ["203.0.113.7/32"]\n',
            'key_name = "unused"\n',
        ]))
        tf.run("init", "init", "-lockfile=readonly", "-input=false")
        # Only what the role's policy needs: the bucket (its ARN), the role, the policy. The rest
        # (the 55 s lifecycle wait, the instance) is tests/apply's.
        tf.run("apply", "apply", "-auto-approve", "-input=false", *tf.vars(),
               "-target=module.s3proc.aws_iam_role_policy.s3proc",
               show=(r"Apply complete!",))
        state = tf.state()
        doc = json.loads(state["module.s3proc.data.aws_iam_policy_document.s3proc"]["json"])
        role = state["module.s3proc.aws_iam_role.this"]["name"]
        held = moto.client("iam").get_role_policy(RoleName=role, PolicyName="s3proc-bucket-access")
        held = held["PolicyDocument"]
        held = json.loads(held) if isinstance(held, str) else held
        if held != doc:
            raise AssertionError(f"the role holds another policy than the module rendered:\n{held}\n{doc}")
    return doc, work


# ---- 2. RGW: a non-owner user and the policy as bucket policy ---------------------------------

class Rgw:
    def __init__(self):
        self.endpoint = env_or_skip("AWS_ENDPOINT_URL")
        self.conf = os.path.join(env_or_skip("LOCAL_S3_DIR"), "ceph.conf")
        self.owner_key = (env_or_skip("AWS_ACCESS_KEY_ID"), env_or_skip("AWS_SECRET_ACCESS_KEY"))
        self.uid = "s3proc-role-" + secrets.token_hex(4)
        self.role_key = ("LPROLE" + secrets.token_hex(7).upper(), secrets.token_hex(20))

    def admin(self, *args):
        r = subprocess.run(["radosgw-admin", "--conf", self.conf, "-n", "client.admin", *args],
                           capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            raise AssertionError(f"radosgw-admin {' '.join(args[:2])}: {r.stderr[-2000:]}")
        return r.stdout

    def create_role_user(self):
        self.admin("user", "create", "--uid", self.uid, "--display-name", "s3proc instance role",
                   "--access-key", self.role_key[0], "--secret-key", self.role_key[1])

    def remove_role_user(self):
        try:
            self.admin("user", "rm", "--uid", self.uid)
        except Exception as e:  # cleanup: report, do not hide the test's result
            say(f"cleanup: could not remove RGW user {self.uid}: {e}")

    def principal(self):
        return f"arn:aws:iam:::user/{self.uid}"

    def client(self, key):
        import boto3
        from botocore.config import Config
        return boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1",
                            aws_access_key_id=key[0], aws_secret_access_key=key[1],
                            config=Config(s3={"addressing_style": "path"},
                                          retries={"max_attempts": 2}))


def error_code(fn):
    """The S3 error code fn() fails with, or None when it succeeds."""
    import botocore.exceptions
    try:
        fn()
        return None
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"]


# ---- 3. s3proc as the role user -----------------------------------------------------------------

class S3proc:
    def __init__(self, binary, rgw, bucket, work_dir):
        self.binary = binary
        self.base = ["--bucket", bucket, "--endpoint-url", rgw.endpoint, "--log-format", "json"]
        self.run_flags = ["--work-dir", work_dir, "--concurrency", "2",
                          "--route", "slow/**=exec", "--route", "big/*.bin=passthrough",
                          "--route", "**.csv=csv"]
        # The exec processor's command (one flag per argument): the slow inputs take 0.3 s each.
        self.exec = ["--exec-command", "/bin/sh", "--exec-command", "-c",
                     "--exec-command", "sleep 0.3; cat"]
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        self.env.update({"AWS_ACCESS_KEY_ID": rgw.role_key[0],
                         "AWS_SECRET_ACCESS_KEY": rgw.role_key[1], "AWS_REGION": "us-east-1"})

    def command(self, cmd, *extra):
        argv = [self.binary, cmd, *self.base, *extra]
        if cmd == "run":
            argv = [self.binary, cmd, *self.base, *self.run_flags, *self.exec, *extra]
        return argv

    def run(self, cmd, *extra, timeout=600):
        t0 = time.monotonic()
        p = subprocess.run(self.command(cmd, *extra), capture_output=True, text=True,
                           env=self.env, timeout=timeout)
        summary = [e for e in events(p.stderr) if e.get("event") == "summary"
                   or e.get("msg") == "redrive summary"]
        say(f"s3proc {cmd} {' '.join(extra)}: exit {p.returncode} in {time.monotonic() - t0:.1f}s"
            + (f"; {json.dumps(summary[-1])}" if summary else ""))
        return p, (summary[-1] if summary else {})

    def popen(self, *extra):
        return subprocess.Popen(self.command("run", *extra), stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True, env=self.env)


def events(stderr):
    out = []
    for line in stderr.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                out.append(json.loads(line))
            except ValueError:
                pass
    return out


def seed(owner, bucket):
    """The inputs, by relative key -> expected outcome ("output" or "errors")."""
    want = {}
    for marker in ("input/", "output/", "errors/"):  # as the module's folder markers
        owner.put_object(Bucket=bucket, Key=marker, Body=b"")
    for i in range(40):
        owner.put_object(Bucket=bucket, Key=f"input/batch/{i:03d}.json",
                         Body=json.dumps({"i": i}).encode())
        want[f"batch/{i:03d}.json"] = "output"
    for i in range(SLOW):
        owner.put_object(Bucket=bucket, Key=f"input/slow/{i:02d}.txt", Body=f"slow {i}\n".encode())
        want[f"slow/{i:02d}.txt"] = "output"
    owner.put_object(Bucket=bucket, Key="input/bad/broken.json", Body=b'{"broken": ')
    owner.put_object(Bucket=bucket, Key="input/bad/ragged.csv", Body=b"a,b\n1,2,3\n")
    want["bad/broken.json"] = want["bad/ragged.csv"] = "errors"
    # Multipart from 64 MiB on: a passthrough output and a rejected input of 65 MiB each.
    owner.put_object(Bucket=bucket, Key="input/big/large.bin", Body=os.urandom(65 * MIB))
    want["big/large.bin"] = "output"
    owner.put_object(Bucket=bucket, Key="input/big/large-bad.json",
                     Body=b"[" + b"1," * (65 * MIB // 2) + b"oops")
    want["big/large-bad.json"] = "errors"
    # Outside the four prefixes: the role user may not touch it.
    owner.put_object(Bucket=bucket, Key="other/secret.txt", Body=b"not for s3proc")
    return want


def keys(client, bucket, prefix):
    out = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        out += [o["Key"] for o in page.get("Contents", [])]
    return out


def version_counts(owner, bucket, prefix):
    counts = {}
    for page in owner.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=prefix):
        for v in page.get("Versions", []):
            counts[v["Key"]] = counts.get(v["Key"], 0) + 1
    return counts


def empty_and_delete(owner, bucket):
    for page in owner.get_paginator("list_object_versions").paginate(Bucket=bucket):
        ids = [{"Key": v["Key"], "VersionId": v["VersionId"]}
               for v in page.get("Versions", []) + page.get("DeleteMarkers", [])]
        if ids:
            owner.delete_objects(Bucket=bucket, Delete={"Objects": ids, "Quiet": True})
    owner.delete_bucket(Bucket=bucket)


def scenario(f, rgw, binary, bucket, policy):
    owner = rgw.client(rgw.owner_key)
    role = rgw.client(rgw.role_key)
    owner.create_bucket(Bucket=bucket)
    owner.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    want = seed(owner, bucket)

    # Before the policy the role user may do nothing here: every grant below is the policy's.
    f.that(error_code(lambda: role.list_objects_v2(Bucket=bucket, Prefix="input/")) == "AccessDenied",
           "without the policy the role user cannot even list input/")
    statements = []
    for s in policy["Statement"]:
        s = dict(s, Principal={"AWS": [rgw.principal()]})
        statements.append(s)
        say(f"policy {s.get('Sid')}: {s['Action']} on {s['Resource']}"
            + (f" if {json.dumps(s['Condition'])}" if "Condition" in s else ""))
    # RGW 16 deviates from AWS in one place: it admits a DeleteObjects (multi-object delete)
    # request only if s3:DeleteObject (or ...Version) is allowed on the *bucket* ARN, before it
    # checks each key against the object ARNs as AWS does. This statement opens that request-level
    # gate only; which keys may be deleted is still decided per key by the module's statements
    # (the negative controls below show a multi-object delete in output/ refused key by key).
    statements.append({"Sid": "Rgw16MultiObjectDeleteGate", "Effect": "Allow",
                       "Principal": {"AWS": [rgw.principal()]},
                       "Action": ["s3:DeleteObject", "s3:DeleteObjectVersion"],
                       "Resource": f"arn:aws:s3:::{bucket}"})
    owner.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": policy["Version"],
                                                              "Statement": statements}))

    # Negative controls: what the policy does not grant is refused.
    refused = {
        "a listing of the whole bucket": lambda: role.list_objects_v2(Bucket=bucket),
        "a listing of other/": lambda: role.list_objects_v2(Bucket=bucket, Prefix="other/"),
        "a read under other/": lambda: role.get_object(Bucket=bucket, Key="other/secret.txt"),
        "a write under other/": lambda: role.put_object(Bucket=bucket, Key="other/x", Body=b"x"),
        "a delete in output/": lambda: role.delete_object(Bucket=bucket, Key="output/"),
        "reading the bucket policy": lambda: role.get_bucket_policy(Bucket=bucket),
        "changing the bucket policy": lambda: role.put_bucket_policy(Bucket=bucket, Policy="{}"),
        "turning versioning off": lambda: role.put_bucket_versioning(
            Bucket=bucket, VersioningConfiguration={"Status": "Suspended"}),
    }
    for what, fn in refused.items():
        code = error_code(fn)
        f.that(code == "AccessDenied", f"negative control: the role user is refused {what}",
               f"got {code or 'success'}")
    for prefix in ("output/", "other/"):
        key = "output/" if prefix == "output/" else "other/secret.txt"
        r = role.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": key}]})
        f.that([e["Code"] for e in r.get("Errors", [])] == ["AccessDenied"] and not r.get("Deleted"),
               f"negative control: a multi-object delete in {prefix} is refused for the key",
               json.dumps(r, default=str)[:500])
    f.that(error_code(lambda: role.head_object(Bucket=bucket, Key="input/missing.json")) in ("403", "AccessDenied"),
           "RGW answers 403, as AWS does, to the role user's HEAD of a missing key")
    f.that(error_code(lambda: owner.head_object(Bucket=bucket, Key="input/missing.json")) in ("404", "NoSuchKey"),
           "and 404 to the owner's")

    work_dir = h.new_work_dir("least-privilege-run")
    s3proc = S3proc(binary, rgw, bucket, work_dir)
    p, _ = s3proc.run("run", "--input-prefix", "other/")
    f.that(p.returncode != 0 and "AccessDenied" in p.stderr and "s3:ListBucket" in p.stderr,
           "negative control: s3proc run --input-prefix other/ fails, naming s3:ListBucket",
           p.stderr[-1500:])

    # Run 1, killed mid-run once some outputs are stored.
    proc = s3proc.popen()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if len(keys(owner, bucket, "output/slow/")) >= 3:
            break
        time.sleep(0.05)
    killed = proc.poll() is None
    if killed:
        proc.send_signal(signal.SIGKILL)
    proc.wait()
    left = [k for k in keys(owner, bucket, "input/") if k != "input/"]
    leases = keys(owner, bucket, "leases/")
    say(f"run 1: kill -9 after {len(keys(owner, bucket, 'output/')) - 1} outputs; "
        f"{len(left)} inputs and {len(leases)} leases left behind")
    f.that(killed and left and leases, "run 1 was killed mid-run, leaving inputs and leases",
           proc.stderr.read()[-2000:] if proc.stderr else "")

    # Run 2 on the same work dir recovers its own leases at once and finishes.
    p, summary = s3proc.run("run")
    f.that(p.returncode == 0 and summary.get("failed") == 0,
           "run 2 (recovery) exits 0 with nothing failed", p.stderr[-3000:])
    f.that(summary.get("rejected", 0) + summary.get("done", 0) + summary.get("already_done", 0)
           == len(left), "run 2 finished every input run 1 left", json.dumps(summary))

    def check_drained(label):
        f.that(keys(owner, bucket, "input/") == ["input/"], f"{label}: input/ is empty (marker left)",
               str(keys(owner, bucket, "input/"))[:500])
        f.that(keys(owner, bucket, "leases/") == [], f"{label}: every lease released")
        outputs = set(keys(owner, bucket, "output/")) - {"output/"}
        f.that(outputs == {"output/" + k for k, v in want.items() if v == "output"},
               f"{label}: each good input has its output", str(sorted(outputs))[:500])
        errors = set(keys(owner, bucket, "errors/")) - {"errors/"}
        bad = [k for k, v in want.items() if v == "errors"]
        f.that(errors == {"errors/" + k for k in bad} | {f"errors/{k}.error.json" for k in bad},
               f"{label}: each rejected input is in errors/ with its reason", str(sorted(errors)))
        multi = {k: n for k, n in version_counts(owner, bucket, "output/").items() if n != 1}
        f.that(not multi, f"{label}: every output has exactly one version (none written twice)",
               str(multi))

    check_drained("after the crash and recovery")
    # Objects the role user wrote are its own on RGW (no BucketOwnerEnforced there): read as it.
    large = role.head_object(Bucket=bucket, Key="output/big/large.bin")
    f.that(large["ContentLength"] == 65 * MIB and "-" in large["ETag"],
           "the 65 MiB output was stored by a multipart upload", str(large.get("ETag")))
    large_bad = role.head_object(Bucket=bucket, Key="errors/big/large-bad.json")
    f.that("-" in large_bad["ETag"], "the 65 MiB rejected input was copied to errors/ by multipart")

    p, _ = s3proc.run("status")
    say("| " + p.stdout.strip().replace("\n", "\n| "))
    f.that(p.returncode == 0 and "errors" in p.stdout, "s3proc status as the role user", p.stderr[-1500:])

    # Redrive: HEAD input/<key> answers 403 for the missing key; the object is still moved back.
    p, summary = s3proc.run("redrive", "--filter", "bad/*")
    f.that(p.returncode == 0 and summary.get("redriven") == 2 and summary.get("failed") == 0,
           "s3proc redrive moves errors/bad/* back to input/ (the 403 of the missing input is "
           "not a failure)", p.stderr[-2000:])
    f.that(sorted(keys(owner, bucket, "input/bad/")) == ["input/bad/broken.json", "input/bad/ragged.csv"]
           and keys(owner, bucket, "errors/bad/") == [], "the redriven objects are in input/, not in errors/")

    # The final run rejects them again (they are still bad): back where they were.
    p, summary = s3proc.run("run")
    f.that(p.returncode == 0 and summary.get("rejected") == 2 and summary.get("failed") == 0,
           "the final run rejects the two redriven inputs again", p.stderr[-2000:])
    check_drained("after redrive and a final run")
    return work_dir


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: least_privilege_test.py PATH/TO/s3proc")
    binary = sys.argv[1]
    try:
        h.find_terraform()
        mirror, version = h.find_mirror()
    except h.Skip as e:
        h.skip_or_fail(str(e))
    if not os.access(binary, os.X_OK):
        sys.exit(f"FAILED: {binary} is not an executable s3proc binary")
    if not shutil.which("radosgw-admin"):
        h.skip_or_fail("radosgw-admin not found (scripts/install-deps installs Ceph)")
    rgw = Rgw()
    bucket = "s3proc-lp-" + secrets.token_hex(6)
    print(f"terraform.least_privilege: hashicorp/aws {version} renders the policy; RGW at "
          f"{rgw.endpoint} enforces it; bucket {bucket}", flush=True)
    t0 = time.monotonic()
    f = Failures()
    dirs = []
    try:
        policy, tf_work = rendered_policy(mirror, bucket)
        dirs.append(tf_work)
        say(f"the module's policy: {len(policy['Statement'])} statements, from terraform show -json")
        rgw.create_role_user()
        try:
            dirs.append(scenario(f, rgw, binary, bucket, policy))
        finally:
            try:
                empty_and_delete(rgw.client(rgw.owner_key), bucket)
            except Exception as e:
                say(f"cleanup: could not remove bucket {bucket}: {e}")
            rgw.remove_role_user()
    except Exception as e:
        f.append(f"{type(e).__name__}: {e}")
        say(traceback.format_exc())
    seconds = time.monotonic() - t0
    if f:
        print(f"terraform.least_privilege: FAILED ({len(f)}) in {seconds:.0f}s; work dirs: {dirs}")
        for x in f:
            print(f"  - {x[:2000]}")
        return 1
    if not os.environ.get("S3PROC_KEEP_TF_WORK"):
        for d in dirs:
            shutil.rmtree(d, ignore_errors=True)
    print(f"terraform.least_privilege: passed in {seconds:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
