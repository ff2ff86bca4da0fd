"""The seed's whole flow in one test: `terraform apply` (deploy/terraform/examples/complete,
against moto on 127.0.0.1, the provider from the offline mirror) creates the bucket, the
t3.micro, its role and key pair, and its `ansible_inventory` output is written to a file, as
the README says; the playbook then runs with that inventory over SSH against the Ansible test
host, which stands in for the instance (deploy/ansible/tests/run: only the instance's address is
replaced by the test host's, which also lets in the key pair Terraform attached). It installs the
static release from dist/ and the cron job, and the host's own cron daemon moves a JSON file
from input/ to output/ and a malformed one to errors/ on a local RGW bucket of the name
Terraform gave. Then `terraform destroy`.

Exit 0 passed, 1 failed. Without terraform, the provider mirror or moto, the Terraform part is
skipped locally (the playbook test runs alone, and says so) and fails in CI (CI=true)."""

import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "deploy", "terraform", "tests"))
import tf_harness as h  # noqa: E402
from apply_test import public_key, tfvars  # noqa: E402

ANSIBLE_TEST = os.path.join(REPO, "deploy", "ansible", "tests", "run")
SHOW = (r"Apply complete!", r"Destroy complete!", r"^Plan: ")


def main():
    t0 = time.monotonic()
    try:
        h.find_terraform()
        mirror, version = h.find_mirror()
    except h.Skip as e:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            h.skip_or_fail(str(e))
        print(f"seed flow: SKIP the Terraform part ({e}); the playbook test runs alone", flush=True)
        return subprocess.call([ANSIBLE_TEST])
    print(f"seed flow: hashicorp/aws {version} from {mirror}; moto on 127.0.0.1", flush=True)
    work = h.new_work_dir("seed-flow")
    key = public_key(work)  # the operator's key pair, as in terraform.tfvars.example
    code = 1
    with h.Moto(work) as moto:
        tf = h.Terraform(work, mirror, moto.endpoint, "seed-flow", tfvars(
            region="us-east-1", environment="test", ssh_ingress_cidrs=["203.0.113.7/32"],
            public_key_path=key + ".pub", ssh_private_key_path=key))
        tf.run("init", "init", "-lockfile=readonly", "-input=false", show=SHOW)
        tf.run("apply", "apply", "-auto-approve", "-input=false", *tf.vars(), show=SHOW)
        t_apply = time.monotonic() - t0
        try:
            # The README's step: terraform output -raw ansible_inventory > inventory.yml
            tf.run("inventory", "output", "-raw", "ansible_inventory")
            inventory = os.path.join(work, "inventory.yml")
            with open(inventory, "w") as f:
                f.write(tf.last_stdout)
            print("seed flow: the inventory Terraform wrote:\n" + tf.last_stdout, flush=True)
            t1 = time.monotonic()
            code = subprocess.call([ANSIBLE_TEST],
                                   env={**os.environ, "S3PROC_ANSIBLE_BASE_INVENTORY": inventory})
            t_ansible = time.monotonic() - t1
        finally:
            tf.run("destroy", "destroy", "-auto-approve", "-input=false", *tf.vars(), show=SHOW)
    total = time.monotonic() - t0
    if code == 0:
        shutil.rmtree(work, ignore_errors=True)
        print(f"seed flow: passed in {total:.0f} s (terraform init + apply {t_apply:.0f} s, "
              f"playbook and cron {t_ansible:.0f} s, destroy {total - t_apply - t_ansible:.0f} s)")
        return 0
    print(f"seed flow: FAILED after {total:.0f} s; terraform logs in {work}/logs")
    return 1


if __name__ == "__main__":
    sys.exit(main())
