"""What tests/apply and tests/least_privilege share: the provider mirror, moto's server, and a
throw-away copy of the module in which terraform runs against moto.

Nothing here downloads anything: terraform installs hashicorp/aws from a filesystem mirror only
(the CLI config written below forbids every other source), and every endpoint is 127.0.0.1.
"""

import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
MODULE_DIR = os.path.dirname(TESTS_DIR)
EXAMPLE_REL = os.path.join("examples", "complete")

# The tests say SKIP with this code (ctest: SKIP_RETURN_CODE) when a tool is missing locally; in
# CI (CI=true) a missing tool is a failure instead, so that nothing is skipped unnoticed.
SKIP = 77

# The services the module calls, all sent to moto.
MOTO_SERVICES = ("ec2", "iam", "s3", "sqs", "ssm", "sts")


class Skip(Exception):
    """A prerequisite is missing: SKIP locally, FAIL in CI."""


def skip_or_fail(reason):
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        print(f"FAILED: {reason} (CI=true: a missing prerequisite is a failure, not a skip)",
              file=sys.stderr)
        sys.exit(1)
    print(f"SKIP: {reason}")
    sys.exit(SKIP)


def say(prefix, text):
    with _print_lock:
        for line in text.rstrip("\n").splitlines() or [""]:
            print(f"{prefix}{line}", flush=True)


_print_lock = threading.Lock()

# ---- the provider mirror --------------------------------------------------------------------

# Where a filesystem mirror of hashicorp/aws may be: the variable, then Terraform's own implied
# mirror directories, then the places images put one (the CI image uses /opt/tf-plugins).
_MIRROR_CANDIDATES = (
    "~/.terraform.d/plugins",
    "~/.local/share/terraform/plugins",
    "/usr/local/share/terraform/plugins",
    "/usr/share/terraform/plugins",
    "/opt/*",
    "/opt/*/*",
    "/usr/local/lib/*",
)


def _version_key(v):
    return tuple(int(x) for x in v.split("."))


def _aws_versions(mirror):
    """hashicorp/aws versions (>= 5.100, < 7) unpacked for linux_amd64 under `mirror`."""
    found = []
    for d in glob.glob(os.path.join(mirror, "registry.terraform.io", "hashicorp", "aws", "*",
                                    "linux_amd64")):
        version = d.split(os.sep)[-2]
        if not re.fullmatch(r"\d+\.\d+\.\d+", version):
            continue
        if (5, 100, 0) <= _version_key(version) < (7, 0, 0) and \
                glob.glob(os.path.join(d, "terraform-provider-aws_*")):
            found.append(version)
    return sorted(found, key=_version_key)


def find_mirror():
    """(mirror dir, newest usable aws version). Raises Skip with what was searched."""
    named = os.environ.get("S3PROC_TF_PROVIDER_MIRROR", "")
    if named:
        versions = _aws_versions(named)
        if not versions:
            raise Skip(f"S3PROC_TF_PROVIDER_MIRROR={named} holds no hashicorp/aws >= 5.100, < 7 for "
                       "linux_amd64 (expected registry.terraform.io/hashicorp/aws/VERSION/linux_amd64/)")
        return named, versions[-1]
    searched = []
    for pattern in _MIRROR_CANDIDATES:
        for mirror in sorted(glob.glob(os.path.expanduser(pattern))):
            searched.append(mirror)
            versions = _aws_versions(mirror)
            if versions:
                return mirror, versions[-1]
    raise Skip("no filesystem mirror of hashicorp/aws (>= 5.100, < 7, linux_amd64) found in "
               + ", ".join(_MIRROR_CANDIDATES)
               + "; set S3PROC_TF_PROVIDER_MIRROR to the folder that holds registry.terraform.io/")


def find_terraform():
    path = shutil.which("terraform")
    if not path:
        raise Skip("no terraform binary on PATH")
    return path


def write_cli_config(path, mirror):
    # Only the mirror; `direct` is excluded for every provider, so nothing is ever downloaded.
    with open(path, "w") as f:
        f.write(f"""provider_installation {{
  filesystem_mirror {{
    path    = {json.dumps(mirror)}
    include = ["registry.terraform.io/hashicorp/aws"]
  }}
  direct {{
    exclude = ["registry.terraform.io/*/*"]
  }}
}}
""")


# ---- moto -----------------------------------------------------------------------------------

class Moto:
    """moto_server.py (moto with its two gaps patched) on a free 127.0.0.1 port."""

    def __init__(self, work_dir, name="moto"):
        self.work_dir = work_dir
        self.log_path = os.path.join(work_dir, f"{name}.log")
        self.port_file = os.path.join(work_dir, f"{name}.port")
        self.proc = None
        self.endpoint = None

    def __enter__(self):
        log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(TESTS_DIR, "moto_server.py"), self.port_file],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        # Importing moto takes seconds, and minutes on a 2-core machine under a full ctest -j2.
        deadline = time.monotonic() + 240
        while not os.path.exists(self.port_file):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.__exit__(None, None, None)
                raise RuntimeError(f"moto did not start; its log ({self.log_path}):\n"
                                   + open(self.log_path).read()[-3000:])
            time.sleep(0.1)
        port = int(open(self.port_file).read())
        self.endpoint = f"http://127.0.0.1:{port}"
        return self

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def client(self, service, region="us-east-1"):
        import boto3
        from botocore.config import Config
        return boto3.client(service, endpoint_url=self.endpoint, region_name=region,
                            aws_access_key_id="testing", aws_secret_access_key="testing",
                            config=Config(s3={"addressing_style": "path"},
                                          retries={"max_attempts": 2}))


# ---- terraform in a copy of the module -------------------------------------------------------

def _module_files():
    """The module's files as git sees them (tracked, or new and not ignored), tests excluded."""
    out = subprocess.run(["git", "-C", MODULE_DIR, "ls-files", "-co", "--exclude-standard", "."],
                         capture_output=True, text=True)
    if out.returncode == 0 and out.stdout.strip():
        return [f for f in out.stdout.splitlines() if not f.startswith("tests/")]
    # Not a git checkout: every file but the tests and terraform's own working state.
    files = []
    for root, dirs, names in os.walk(MODULE_DIR):
        dirs[:] = [d for d in dirs if d not in (".terraform", "tests")]
        for n in names:
            if not n.endswith((".tfstate", ".tfstate.backup")):
                files.append(os.path.relpath(os.path.join(root, n), MODULE_DIR))
    return files


class Terraform:
    """deploy/terraform copied to a temp dir (so that state, plans and .terraform never touch the
    source tree, and two copies can apply at once), with examples/complete as the root module and
    one override file that points the provider at moto. The module itself is unchanged."""

    def __init__(self, work_dir, mirror, endpoint, label, tfvars):
        self.work_dir = work_dir
        self.label = label
        self.prefix = f"[{label}] "
        copy = os.path.join(work_dir, "terraform")
        for rel in _module_files():
            dst = os.path.join(copy, rel)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy2(os.path.join(MODULE_DIR, rel), dst)
        self.root = os.path.join(copy, EXAMPLE_REL)
        if not os.path.exists(os.path.join(self.root, ".terraform.lock.hcl")):
            raise AssertionError("examples/complete/.terraform.lock.hcl is not committed")
        endpoints = "\n".join(f'    {s} = "{endpoint}"' for s in MOTO_SERVICES)
        # An override file (merged into the example's provider block by terraform itself) is the
        # only moto-specific input: endpoints, test credentials, path-style S3 addressing.
        with open(os.path.join(self.root, "moto_override.tf"), "w") as f:
            f.write(f"""provider "aws" {{
  access_key              = "testing"
  secret_key              = "testing"
  s3_use_path_style       = true
  skip_metadata_api_check = true

  endpoints {{
{endpoints}
  }}
}}
""")
        self.var_file = os.path.join(work_dir, "test.tfvars")
        with open(self.var_file, "w") as f:
            f.write(tfvars)
        cli_config = os.path.join(work_dir, "terraformrc")
        write_cli_config(cli_config, mirror)
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("AWS_", "TF_"))}
        self.env.update({
            "TF_CLI_CONFIG_FILE": cli_config,
            "TF_IN_AUTOMATION": "1",
            "TF_INPUT": "0",
            "CHECKPOINT_DISABLE": "1",
            # Only the override's credentials; no profile, no instance metadata.
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": "/dev/null",
            "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        })
        self.logs = os.path.join(work_dir, "logs")
        os.makedirs(self.logs, exist_ok=True)
        self.step = 0

    def run(self, name, *args, ok=(0,), show=()):
        """Runs `terraform ARGS` in the root module, logs everything to logs/NN-name.log, prints
        the lines matching any regex in `show` (and the whole tail on failure). Returns
        (exit code, stdout and stderr); stdout alone is kept in self.last_stdout."""
        self.step += 1
        log_path = os.path.join(self.logs, f"{self.step:02d}-{name}.log")
        t0 = time.monotonic()
        # -no-color right after the subcommand (every one used here takes it): plain text to match.
        proc = subprocess.run(["terraform", args[0], "-no-color", *args[1:]], cwd=self.root,
                              env=self.env,
                              capture_output=True, text=True)
        output = proc.stdout + proc.stderr
        with open(log_path, "w") as f:
            f.write(output)
        seconds = time.monotonic() - t0
        for line in output.splitlines():
            if any(re.search(p, line) for p in show):
                say(self.prefix, line.strip())
        if proc.returncode not in ok:
            say(self.prefix, f"terraform {name} exited {proc.returncode} after {seconds:.0f}s; "
                             f"the end of {log_path}:")
            say(self.prefix + "| ", "\n".join(output.splitlines()[-60:]))
            raise AssertionError(f"{self.label}: terraform {' '.join(args[:1])} exited "
                                 f"{proc.returncode} (log: {log_path})")
        say(self.prefix, f"terraform {name}: exit {proc.returncode}, {seconds:.0f}s")
        self.last_stdout = proc.stdout
        return proc.returncode, output

    def vars(self):
        return ["-var-file", self.var_file]

    def outputs(self):
        self.run("output", "output", "-json")
        return {k: v["value"] for k, v in json.loads(self.last_stdout).items()}

    def state(self):
        """`terraform show -json` of the state: {address: values} of every resource and data
        source, modules included."""
        self.run("show", "show", "-json")
        doc = json.loads(self.last_stdout)
        found = {}

        def walk(module):
            for r in module.get("resources", []):
                found[r["address"]] = r["values"]
            for child in module.get("child_modules", []):
                walk(child)

        walk(doc.get("values", {}).get("root_module", {}))
        return found


def new_work_dir(name):
    base = os.environ.get("S3PROC_TF_TEST_DIR") or tempfile.gettempdir()
    return tempfile.mkdtemp(prefix=f"s3proc-{name}-", dir=base)
