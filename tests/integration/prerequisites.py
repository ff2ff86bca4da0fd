"""A test that cannot run its case (not root, a tool missing) must not pass. It says why and exits
77, which ctest reports as a skip (SKIP_RETURN_CODE 77 on the test), or, when CI=true, exits 1,
so a CI machine that lacks a prerequisite fails instead of reporting green. The shell tests keep
the same rule (tests/integration/moto_sqs_fixture, deploy/terraform/tests/lib/moto_python.sh).

In a unittest file: raise Unavailable("why") (or call require_root / require_tools) where a case
cannot run, and end the file with prerequisites.main() instead of unittest.main(). The cases that
can run still run; a failure wins; otherwise any skipped case makes the exit code 77 (1 in CI).
Every skip counts: a case that does not apply to a configuration is left out of the suite
(a load_tests function), not skipped."""

import os
import shutil
import sys
import unittest

SKIP_RETURN_CODE = 77


def in_ci():
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


class Unavailable(unittest.SkipTest):
    """A prerequisite of the case is missing here; the reason says which and how to get it."""


def require_root(why):
    """Raises Unavailable unless this process runs as root; `why` names what needs it."""
    if os.geteuid() != 0:
        raise Unavailable(f"needs root ({why})")


def require_tools(*names):
    """Raises Unavailable unless every command in `names` is on PATH (or is an existing path)."""
    missing = [n for n in names if not shutil.which(n)]
    if missing:
        raise Unavailable("missing " + ", ".join(missing) + ": run scripts/install-deps")


def exit_unavailable(why):
    """Ends the process: exit 77 (a skip), or exit 1 when CI=true. Does not return."""
    if in_ci():
        print(f"FAILED: {why} (CI=true: a missing prerequisite is a failure, not a skip)",
              file=sys.stderr, flush=True)
        sys.exit(1)
    print(f"SKIP: {why}", file=sys.stderr, flush=True)
    sys.exit(SKIP_RETURN_CODE)


def main(**kwargs):
    """unittest.main(verbosity=2, **kwargs), then the exit code: 1 when a case failed or none
    ran; else 77 (1 with CI=true) when a case was skipped; else 0. Does not return."""
    result = unittest.main(exit=False, verbosity=2, **kwargs).result
    if not result.wasSuccessful():
        sys.exit(1)
    if result.skipped:
        reasons = sorted({reason for _, reason in result.skipped})
        exit_unavailable(f"{len(result.skipped)} case(s) could not run: " + "; ".join(reasons))
    if result.testsRun == 0:
        print("FAILED: no test ran", file=sys.stderr, flush=True)
        sys.exit(1)
    sys.exit(0)
