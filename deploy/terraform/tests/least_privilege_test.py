"""s3proc run, status and redrive under exactly the policies the module writes, enforced for real
(run by ./least_privilege, ctest terraform.least_privilege).

1. Terraform renders the instance role's policy and the operator policy (create_operator_policy):
   a targeted apply of the module against moto (bucket, role, role policy, operator policy only),
   with bucket_name set to the bucket used below. The documents are read from
   `terraform show -json` and compared with what moto's IAM holds for the role and the managed
   policy: they are the module's, not copies.
2. The local Ceph RGW (the local_s3 fixture) enforces them: RGW 16 has no IAM roles for S3 users,
   but it evaluates bucket policies (s3:prefix conditions included) for every user that does not
   own the bucket. So each policy's statements, with a non-owner RGW user as their only Principal,
   become the bucket policy: one user stands for the instance role, another for an operator who
   holds the operator policy alone; neither has any other grant. Like AWS, RGW then answers 403,
   not 404, to such a user's HEAD or GET of a missing key (no unconditional s3:ListBucket).
3. As the role user: s3proc run on a versioned bucket with leases, a kill -9 mid-run, a second
   run that recovers, rejected files, a 65 MiB output and a 65 MiB rejected file (multipart);
   s3proc status; s3proc redrive, which the instance role may not do (AccessDenied, exit 1,
   nothing moved). As the operator: s3proc status and redrive. Then a final run as the role user.
   Every input ends in output/ or errors/, each with one version. Negative controls: each user is
   refused what its policy does not grant.

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

def as_json(doc):
    return json.loads(doc) if isinstance(doc, str) else doc


def rendered_policies(mirror, bucket):
    """(the instance role's policy, the operator policy, the Terraform work dir)."""
    work = h.new_work_dir("least-privilege")
    with h.Moto(work) as moto:
        tf = h.Terraform(work, mirror, moto.endpoint, "least-privilege", "".join([
            'region = "us-east-1"\n',
            f'bucket_name = "{bucket}"\n',
            'ssh_ingress_cidrs = ["203.0.113.7/32"]\n',
            'key_name = "unused"\n',
            'create_operator_policy = true\n',
        ]))
        tf.run("init", "init", "-lockfile=readonly", "-input=false")
        # Only what the policies need: the bucket (its ARN), the role, the two policies. The rest
        # (the 55 s lifecycle wait, the instance) is tests/apply's.
        tf.run("apply", "apply", "-auto-approve", "-input=false", *tf.vars(),
               "-target=module.s3proc.aws_iam_role_policy.s3proc",
               "-target=module.s3proc.aws_iam_policy.operator",
               show=(r"Apply complete!",))
        state = tf.state()
        iam = moto.client("iam")
        doc = json.loads(state["module.s3proc.data.aws_iam_policy_document.s3proc"]["json"])
        role = state["module.s3proc.aws_iam_role.this"]["name"]
        held = iam.get_role_policy(RoleName=role, PolicyName="s3proc-bucket-access")
        held = as_json(held["PolicyDocument"])
        if held != doc:
            raise AssertionError(f"the role holds another policy than the module rendered:\n{held}\n{doc}")
        attached = iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]
        if attached:
            raise AssertionError(f"the role has managed policies attached: {attached}")

        operator = state["module.s3proc.data.aws_iam_policy_document.operator[0]"]
        operator = json.loads(operator["json"])
        arn = state["module.s3proc.aws_iam_policy.operator[0]"]["arn"]
        version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
        stored = iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]
        if as_json(stored["Document"]) != operator:
            raise AssertionError(f"IAM holds another operator policy than the module rendered:\n"
                                 f"{stored['Document']}\n{operator}")
        entities = iam.list_entities_for_policy(PolicyArn=arn)
        if any(entities.get(k) for k in ("PolicyGroups", "PolicyUsers", "PolicyRoles")):
            raise AssertionError(f"the module attached the operator policy: {entities}")
    return doc, operator, work


# ---- 2. RGW: a non-owner user and the policy as bucket policy ---------------------------------

class Rgw:
    def __init__(self):
        self.endpoint = env_or_skip("AWS_ENDPOINT_URL")
        self.conf = os.path.join(env_or_skip("LOCAL_S3_DIR"), "ceph.conf")
        self.owner_key = (env_or_skip("AWS_ACCESS_KEY_ID"), env_or_skip("AWS_SECRET_ACCESS_KEY"))
        suffix = secrets.token_hex(4)
        # uid -> its keys: the instance role's stand-in, and an operator's.
        self.users = {"s3proc-role-" + suffix: self.new_key("LPROLE"),
                      "s3proc-operator-" + suffix: self.new_key("LPOPER")}
        self.uid, self.operator_uid = list(self.users)
        self.role_key, self.operator_key = list(self.users.values())

    @staticmethod
    def new_key(prefix):
        return (prefix + secrets.token_hex(7).upper(), secrets.token_hex(20))

    def admin(self, *args):
        r = subprocess.run(["radosgw-admin", "--conf", self.conf, "-n", "client.admin", *args],
                           capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            raise AssertionError(f"radosgw-admin {' '.join(args[:2])}: {r.stderr[-2000:]}")
        return r.stdout

    def create_users(self):
        for uid, key in self.users.items():
            self.admin("user", "create", "--uid", uid, "--display-name", uid,
                       "--access-key", key[0], "--secret-key", key[1])

    def remove_users(self):
        for uid in self.users:
            try:
                self.admin("user", "rm", "--uid", uid)
            except Exception as e:  # cleanup: report, do not hide the test's result
                say(f"cleanup: could not remove RGW user {uid}: {e}")

    @staticmethod
    def principal(uid):
        return f"arn:aws:iam:::user/{uid}"

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
    def __init__(self, binary, rgw, bucket, work_dir, key):
        self.binary = binary
        self.base = ["--bucket", bucket, "--endpoint-url", rgw.endpoint, "--log-format", "json"]
        self.run_flags = ["--work-dir", work_dir, "--concurrency", "2",
                          "--route", "slow/**=exec", "--route", "big/*.bin=passthrough",
                          "--route", "**.csv=csv"]
        # The exec processor's command (one flag per argument): the slow inputs take 0.3 s each.
        self.exec = ["--exec-command", "/bin/sh", "--exec-command", "-c",
                     "--exec-command", "sleep 0.3; cat"]
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        self.env.update({"AWS_ACCESS_KEY_ID": key[0],
                         "AWS_SECRET_ACCESS_KEY": key[1], "AWS_REGION": "us-east-1"})

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


def scenario(f, rgw, binary, bucket, policy, operator_policy):
    owner = rgw.client(rgw.owner_key)
    role = rgw.client(rgw.role_key)
    operator = rgw.client(rgw.operator_key)
    owner.create_bucket(Bucket=bucket)
    owner.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    want = seed(owner, bucket)

    # Before the policy the role user may do nothing here: every grant below is the policy's.
    f.that(error_code(lambda: role.list_objects_v2(Bucket=bucket, Prefix="input/")) == "AccessDenied",
           "without the policy the role user cannot even list input/")
    statements = []
    holders = (("role", rgw.uid, policy), ("operator", rgw.operator_uid, operator_policy))
    for who, uid, doc in holders:
        for s in doc["Statement"]:
            s = dict(s, Sid=f"{who.capitalize()}{s.get('Sid', '')}",
                     Principal={"AWS": [rgw.principal(uid)]})
            statements.append(s)
            say(f"{who} policy {s.get('Sid')}: {s['Action']} on {s['Resource']}"
                + (f" if {json.dumps(s['Condition'])}" if "Condition" in s else ""))
    # RGW 16 deviates from AWS in one place: it admits a DeleteObjects (multi-object delete)
    # request only if s3:DeleteObject (or ...Version) is allowed on the *bucket* ARN, before it
    # checks each key against the object ARNs as AWS does. This statement opens that request-level
    # gate only; which keys may be deleted is still decided per key by the module's statements
    # (the negative controls below show a multi-object delete in output/ refused key by key).
    statements.append({"Sid": "Rgw16MultiObjectDeleteGate", "Effect": "Allow",
                       "Principal": {"AWS": [rgw.principal(uid) for uid in rgw.users]},
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
        "a write into input/ (redrive's copy back is the operator's)": lambda: role.put_object(
            Bucket=bucket, Key="input/planted.json", Body=b"{}"),
    }
    for what, fn in refused.items():
        code = error_code(fn)
        f.that(code == "AccessDenied", f"negative control: the role user is refused {what}",
               f"got {code or 'success'}")
    # Were the write into input/ let through, the plant must not become one more input below.
    owner.delete_object(Bucket=bucket, Key="input/planted.json")
    # The operator policy holds nothing of run's own: no result, no lease, no input removed.
    refused = {
        "a write in output/": lambda: operator.put_object(Bucket=bucket, Key="output/x", Body=b"x"),
        "a write in leases/": lambda: operator.put_object(Bucket=bucket, Key="leases/x", Body=b"x"),
        "a read under other/": lambda: operator.get_object(Bucket=bucket, Key="other/secret.txt"),
        "a delete in input/": lambda: operator.delete_object(Bucket=bucket,
                                                             Key="input/batch/000.json"),
        "changing the bucket policy": lambda: operator.put_bucket_policy(Bucket=bucket,
                                                                          Policy="{}"),
    }
    for what, fn in refused.items():
        code = error_code(fn)
        f.that(code == "AccessDenied", f"negative control: the operator is refused {what}",
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
    s3proc = S3proc(binary, rgw, bucket, work_dir, rgw.role_key)
    as_operator = S3proc(binary, rgw, bucket, work_dir, rgw.operator_key)
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

    # The instance role may not redrive: its copy back into input/ is refused, nothing moves.
    p, summary = s3proc.run("redrive", "--filter", "bad/*")
    f.that(p.returncode != 0 and summary.get("failed") == 2 and summary.get("redriven") == 0
           and "AccessDenied" in p.stderr,
           "s3proc redrive as the role user fails (AccessDenied, exit non-zero): redrive is an "
           "operator's action", p.stderr[-2000:])
    f.that(keys(owner, bucket, "input/bad/") == []
           and len(keys(owner, bucket, "errors/bad/")) == 4,
           "the refused redrive left errors/bad/ as it was and wrote nothing into input/")

    p, _ = as_operator.run("status")
    f.that(p.returncode == 0 and "errors" in p.stdout, "s3proc status as the operator",
           p.stderr[-1500:])
    # Redrive as the operator, who holds the operator policy alone: HEAD input/<key> answers 403
    # for the missing key; the object is still moved back.
    p, summary = as_operator.run("redrive", "--filter", "bad/*")
    f.that(p.returncode == 0 and summary.get("redriven") == 2 and summary.get("failed") == 0,
           "s3proc redrive as the operator moves errors/bad/* back to input/ (the 403 of the "
           "missing input is not a failure)", p.stderr[-2000:])
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
        policy, operator_policy, tf_work = rendered_policies(mirror, bucket)
        dirs.append(tf_work)
        say(f"the module's policies, from terraform show -json: the role's "
            f"{len(policy['Statement'])} statements, the operator's "
            f"{len(operator_policy['Statement'])}")
        rgw.create_users()
        try:
            dirs.append(scenario(f, rgw, binary, bucket, policy, operator_policy))
        finally:
            try:
                empty_and_delete(rgw.client(rgw.owner_key), bucket)
            except Exception as e:
                say(f"cleanup: could not remove bucket {bucket}: {e}")
            rgw.remove_users()
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
