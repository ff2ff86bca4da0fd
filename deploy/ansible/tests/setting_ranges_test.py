#!/usr/bin/python3
"""The Ansible role's preflight ranges are s3proc's own: every integer setting the role writes
into s3proc.toml has a range in roles/s3proc/vars/main.yml, and that range is exactly the one
`s3proc run --help` shows (rendered from s3proc's settings table, which also validates). A
mismatch fails here instead of on the host, at every cron tick."""

import os
import re
import subprocess
import sys
import unittest

import yaml

ROLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "roles", "s3proc")
BINARY = os.environ.get("S3PROC_BINARY", "")


def s3proc_ranges():
    """{setting: range text} from `s3proc run --help` ("concurrency": "1..512")."""
    out = subprocess.run([BINARY, "run", "--help"], capture_output=True, text=True,
                         check=True).stdout
    ranges = {}
    for m in re.finditer(r"\[range ([^;\]]+); env S3PROC_[A-Z_]+; toml ([a-z_]+);", out):
        ranges[m.group(2)] = m.group(1)
    return ranges


def role_ranges():
    with open(os.path.join(ROLE, "vars", "main.yml")) as f:
        return yaml.safe_load(f)["__s3proc_setting_ranges"]


def as_text(spec):
    """The role's range as s3proc says it (SettingRange::Text)."""
    text = f"{spec['min']}..{spec['max']}" if "max" in spec else f"at least {spec['min']}"
    return "0 or " + text if spec.get("zero_too") else text


def template_integers():
    """{role variable: setting} of every integer the template writes ("x = {{ s3proc_y | int }}")."""
    with open(os.path.join(ROLE, "templates", "s3proc.toml.j2")) as f:
        text = f.read()
    return {m.group(2): m.group(1)
            for m in re.finditer(r"^([a-z_]+) = \{\{ (s3proc_[a-z_]+) \| int \}\}$", text, re.M)}


class SettingRanges(unittest.TestCase):
    def test_s3proc_shows_its_ranges(self):
        ranges = s3proc_ranges()
        for setting in ("concurrency", "max_seconds", "queue_visibility_seconds"):
            self.assertIn(setting, ranges)

    def test_every_integer_the_role_writes_is_checked(self):
        checked = role_ranges()
        written = template_integers()
        self.assertTrue(written, "no integer found in the template: the pattern is stale")
        for variable, setting in written.items():
            self.assertIn(variable, checked, f"{variable} ({setting}) has no preflight range")
            self.assertEqual(checked[variable]["setting"], setting, variable)

    def test_the_role_accepts_what_s3proc_accepts(self):
        ranges = s3proc_ranges()
        for variable, spec in role_ranges().items():
            setting = spec["setting"]
            self.assertIn(setting, ranges, f"{variable}: s3proc has no integer setting {setting}")
            self.assertEqual(as_text(spec), ranges[setting],
                             f"{variable}: the role's preflight and s3proc's {setting} disagree")

    def test_the_preflight_reads_the_ranges(self):
        with open(os.path.join(ROLE, "tasks", "preflight.yml")) as f:
            tasks = yaml.safe_load(f)
        loops = [t.get("loop", "") for t in tasks if "ansible.builtin.assert" in t]
        self.assertIn("{{ __s3proc_setting_ranges | dict2items }}", loops)
        self.assertNotRegex(yaml.safe_dump(tasks), r"s3proc_queue_visibility_seconds \| int\) >=",
                            "a range written by hand beside the table")


if __name__ == "__main__":
    if not BINARY:
        sys.exit("S3PROC_BINARY is not set: run through ctest")
    unittest.main()
