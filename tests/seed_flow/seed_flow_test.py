"""The seed's whole flow in one test, on the one apply cycle of the al2 variant: `terraform apply`
(deploy/terraform/examples/complete, against moto on 127.0.0.1, the provider from the offline
mirror) creates the bucket, the t3.micro, its role and key pair; every check of tests/apply's al2
variant runs (apply_test.run_variant: plan, apply, an empty re-plan, boto3 checks, a Graviton
plan); then, as the README says, `terraform output -raw ansible_inventory` is written to a file,
and the playbook runs with that inventory over SSH against the Ansible test host, which stands in
for the instance (deploy/ansible/tests/run: only the instance's address is replaced by the test
host's, which also lets in the key pair Terraform attached). It installs the static release from
dist/ and the cron job, and the host's own cron daemon moves a JSON file from input/ to output/
and a malformed one to errors/ on a local RGW bucket of the name Terraform gave. Then `terraform
destroy`, and nothing is left.

The playbook test starts with the apply: its steps that need no inventory (lint, syntax, the
template, the test host, the RGW) run while Terraform applies, and it waits (bounded) for the
inventory file to appear.

Exit 0 passed, 1 failed, 77 skipped. Without terraform or the provider mirror the playbook test
runs alone (with its own inventory) and the flow exits 77 when it passed; without root or the
playbook test's tools the Terraform part runs alone and the flow exits 77 when it passed. With
CI=true a missing prerequisite is a failure."""

import os
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "deploy", "terraform", "tests"))
import apply_test  # noqa: E402
import tf_harness as h  # noqa: E402

ANSIBLE_TEST = os.path.join(REPO, "deploy", "ansible", "tests", "run")
LABEL = "al2"
# How long the playbook test waits for the inventory: init, plans, the apply's 55 s lifecycle wait
# and every check, on a loaded machine.
INVENTORY_WAIT = 900


def in_ci():
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


class Playbook:
    """deploy/ansible/tests/run started at once, its output prefixed with [ansible]; it waits for
    `inventory` to appear."""

    def __init__(self, inventory):
        env = {**os.environ, "S3PROC_ANSIBLE_BASE_INVENTORY": inventory,
               "S3PROC_ANSIBLE_BASE_INVENTORY_WAIT": str(INVENTORY_WAIT)}
        self.proc = subprocess.Popen([ANSIBLE_TEST], env=env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.reader = threading.Thread(target=self._copy, daemon=True)
        self.reader.start()

    def _copy(self):
        for line in self.proc.stdout:
            h.say("[ansible] ", line.rstrip("\n"))

    def wait(self):
        code = self.proc.wait()
        self.reader.join()
        return code

    def stop(self):
        """Ends a run still waiting for an inventory that will not come (its EXIT trap cleans up)."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(120)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        return self.wait()


def main():
    t0 = time.monotonic()
    try:
        h.find_terraform()
        mirror, version = h.find_mirror()
    except h.Skip as e:
        if in_ci():
            h.skip_or_fail(str(e))
        print(f"seed flow: the Terraform part cannot run ({e}); the playbook test runs alone",
              flush=True)
        code = subprocess.call([ANSIBLE_TEST])
        if code not in (0, h.SKIP):
            print(f"seed flow: FAILED: the playbook test alone exited {code}")
            return 1
        h.skip_or_fail(str(e))
    print(f"seed flow: hashicorp/aws {version} from {mirror}; moto on 127.0.0.1", flush=True)
    work = h.new_work_dir("seed-flow")
    inventory = os.path.join(work, "inventory.yml")
    playbook = Playbook(inventory)
    timing = {}

    def playbook_step(c, moto, tf, outputs):
        timing["apply"] = time.monotonic() - t0
        # The README's step: terraform output -raw ansible_inventory > inventory.yml (written
        # under another name first: the playbook test starts when the file appears).
        tf.run("inventory", "output", "-raw", "ansible_inventory")
        with open(inventory + ".tmp", "w") as f:
            f.write(tf.last_stdout)
        os.rename(inventory + ".tmp", inventory)
        h.say("[seed flow] ", "the inventory Terraform wrote:\n" + tf.last_stdout)
        t1 = time.monotonic()
        code = playbook.wait()
        timing["playbook"] = time.monotonic() - t1
        timing["playbook_code"] = code
        c.that(code in (0, h.SKIP), "the playbook test passed with Terraform's inventory",
               f"deploy/ansible/tests/run exited {code}")

    result = {}
    try:
        apply_test.run_variant(LABEL, mirror, *apply_test.VARIANTS[LABEL], result,
                               before_destroy=playbook_step)
    finally:
        code = playbook.stop()
        timing.setdefault("playbook_code", code)
    total = time.monotonic() - t0
    ok = apply_test.report("seed flow", {LABEL: result})
    if "playbook" in timing:
        print(f"seed flow: terraform until the inventory {timing['apply']:.0f} s, the playbook "
              f"test's wait for the rest {timing['playbook']:.0f} s, destroy and checks "
              f"{total - timing['apply'] - timing['playbook']:.0f} s")
    if not ok:
        print(f"seed flow: FAILED after {total:.0f} s")
        return 1
    if timing["playbook_code"] == h.SKIP:
        h.skip_or_fail("the playbook test could not run here (its SKIP line above says why); "
                       "the Terraform part passed")
    print(f"seed flow: passed in {total:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
