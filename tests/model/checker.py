"""Plays one seeded scenario from start to verdict: the user's uploads and foreign objects, the
disturbed rounds of runs (faults, signals, overlaps, re-uploads), then undisturbed runs until the
work drains, and the invariants over what is left (invariants.py)."""

import logging
import os
import shutil
import subprocess
import sys
import tempfile
import traceback
from dataclasses import dataclass, field

import boto3
from botocore.config import Config

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import invariants  # noqa: E402
import scenario as sc  # noqa: E402
import world as w  # noqa: E402


# The fault proxy's connections are cancelled when it stops; asyncio would print each one, and
# the coroutines it leaves are finalised after its loop closed.
logging.getLogger("asyncio").setLevel(logging.CRITICAL)
_default_unraisable = sys.unraisablehook


def _quiet_closed_loop(unraisable):
    if not (isinstance(unraisable.exc_value, RuntimeError) and
            "Event loop is closed" in str(unraisable.exc_value)):
        _default_unraisable(unraisable)


sys.unraisablehook = _quiet_closed_loop


class Server:
    """moto's S3 (versioning, If-None-Match, If-Match), made atomic and strict about bodies
    (moto_strict_server.py), for all scenarios of one checker run."""

    def __enter__(self):
        self.dir = tempfile.mkdtemp(prefix="s3proc-model-moto-")
        self.log = open(os.path.join(self.dir, "moto.log"), "w")
        port_file = os.path.join(self.dir, "port")
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "moto_strict_server.py"), port_file],
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self.port = w.moto_serve.wait_for_port(port_file, self.proc, 60)
        self.endpoint = f"http://127.0.0.1:{self.port}"
        return self

    def __exit__(self, *_):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:  # a server holding thousands of scenarios' buckets
            self.proc.kill()
            self.proc.wait()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def client(self, service):
        return boto3.client(service, endpoint_url=self.endpoint, region_name=w.REGION,
                            aws_access_key_id=w.CREDENTIALS["AWS_ACCESS_KEY_ID"],
                            aws_secret_access_key=w.CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
                            config=Config(s3={"addressing_style": "path"},
                                          retries={"max_attempts": 5},
                                          max_pool_connections=32))


@dataclass
class Verdict:
    seed: int
    description: str
    findings: list = field(default_factory=list)
    runs: int = 0
    history: list = field(default_factory=list)
    kept: str = ""

    def report(self):
        lines = [f"model: FAILED {self.description}"]
        lines += [f"  {f}" for f in self.findings[:20]]
        if len(self.findings) > 20:
            lines.append(f"  ... and {len(self.findings) - 20} more")
        lines += [f"  history: {h}" for h in self.history]
        if self.kept:
            lines.append(f"  work dirs kept in {self.kept}")
        lines.append(f"  replay: tests/model/run --seed {self.seed}")
        return "\n".join(lines)


def play(server, binary, seed, verbose=False, keep=False):
    """Plays scenario `seed`; a harness error is reported as a finding, not raised."""
    try:
        return _play(server, binary, seed, verbose, keep)
    except Exception:  # noqa: BLE001 - one scenario's harness error must not hide the others
        return Verdict(seed, f"seed {seed}", [f"harness error:\n{traceback.format_exc()}"])


def _play(server, binary, seed, verbose, keep):
    scn = sc.generate(seed)
    verdict = Verdict(seed, scn.describe())
    world = w.World(server, binary, scn)
    say = print if verbose else (lambda *_: None)
    say(f"model: {scn.describe()}; bucket {world.bucket}")
    try:
        for u in scn.uploads:
            world.upload(u.rel, u.body, u.kind)
            say(f"  upload input/{u.rel!r} ({u.kind}, {len(u.body)} bytes)")
        world.put_foreign()
        for key in scn.foreign:
            say(f"  foreign {key!r}")
        for i, specs in enumerate(scn.rounds):
            before = len(world.inputs)
            runs_before = len(world.runs)
            at_start = _input_state(world)
            world.round(specs, i, scn.late_uploads.get(i, []))
            records = world.runs[runs_before:]
            during = {v.rel for v in world.inputs[before:]}
            input_now = _input_state(world)
            for record in records:
                record.uploaded_during |= during
                verdict.findings += _run_findings(record) + invariants.check_i6(
                    world, record, input_now, at_start)
                _tell(say, verdict, record)
        drain = _drain(world, say, verdict)
        verdict.findings += invariants.check_end(world, drain)
    finally:
        verdict.runs = len(world.runs)
        if verdict.findings and keep:
            verdict.kept = world.dir
        else:
            world.cleanup()
    for f in verdict.findings:
        say(f"  FINDING {f}")
    return verdict


def _drain(world, say, verdict):
    """Undisturbed runs on every host in turn until input/ is empty and a whole pass exits 0
    (bounded: max_attempts + 3 passes). In queue mode each pass first waits for the messages in
    flight (what a killed run held, a failed object's backoff) to come back, and then needs no
    long poll; it stops early when input/ holds files but the queue holds no message at all."""
    drain = []
    for _ in range(world.scn.max_attempts + 3):
        if world.queue_url:
            world.wait_for_held_messages()
        codes = []
        for host in range(world.scn.hosts):
            at_start = _input_state(world)
            record = world.run(sc.Run(host=host), 900 + len(drain))
            drain.append(record)
            codes.append(record.code)
            verdict.findings += _run_findings(record) + invariants.check_i6(
                world, record, _input_state(world), at_start)
            _tell(say, verdict, record, "undisturbed ")
        left = _input_files(world)
        if all(c == 0 for c in codes) and not left:
            break
        if left and world.queue_url and world.queue_counts() == (0, 0):
            world.events_lost = True  # no later pass can receive them
            break
    return drain


def _input_files(world):
    """The keys in input/ but for folder markers."""
    markers = {sc.INPUT + v.rel for v in world.inputs if invariants.folder_marker(v)}
    return set(_input_state(world)) - markers


def _input_state(world):
    """{key: current version id (ETag when unversioned)} under input/."""
    field = "VersionId" if world.scn.versioned else "ETag"
    return {v["Key"]: v[field] for v in world.versions(sc.INPUT) if v["IsLatest"]}


def _run_findings(record):
    if record.hung:
        return [f"I5: a run did not finish within {w.RUN_TIMEOUT} s ({record.describe()})"]
    if record.code is not None and record.code < 0 and not record.signalled:
        return [f"a run died of signal {-record.code} ({record.describe()}):\n"
                + record.stderr[-2000:]]
    if record.code == 2:
        return [f"a run exited 2, a configuration error ({record.describe()}):\n"
                + record.stderr[-1000:]]
    return []


def _tell(say, verdict, record, what=""):
    outcomes = {}
    for e in record.events:
        if e.get("event") == "object":
            outcomes[e.get("outcome")] = outcomes.get(e.get("outcome"), 0) + 1
    line = f"{what}{record.describe()}; objects {outcomes}"
    verdict.history.append(line)
    say(f"  {line}")
    if os.environ.get("S3PROC_MODEL_LOGS"):
        say("    " + record.stderr.rstrip().replace("\n", "\n    "))
