"""The promise, as invariants over what a played scenario left (world.py): the bucket's versions,
the runs' logs and the hosts' work dirs. docs/semantics.md lists them beside the guarantees
they check. Each check returns a list of findings (strings); none means the promise held.

  I1  every input version's bytes end in exactly one place: its output (whose provenance names
      that version), an error copy (byte-identical, with a readable reason that names it), or
      still in input/
  I2  nothing s3proc did not write is modified or deleted, except a processed input
  I3  no input version yields two outputs (versioned buckets, where every write is visible)
  I4  nothing is written outside output/, errors/ and leases/; input/ holds only what the user
      uploaded; a clean run leaves no local file behind
  I5  with disturbances stopped, runs drain: input/ empties (but for folder markers), and the
      last run exits 0
  I6  an object logged done or rejected has left input/ when its run exits, and a run stopped
      with SIGTERM exits by itself with a summary; a follow run (a service) so stopped exits 0
"""

import hashlib
import json

import scenario as sc

META_ETAG = "s3proc-source-etag"
META_VERSION = "s3proc-source-version"
META_ROLE = "s3proc-role"
META_KEY_HASH = "s3proc-source-key-sha256"


class Bucket:
    """Everything under the bucket, read once: versions, their metadata, reason documents."""

    def __init__(self, world):
        self.world = world
        self.all = world.versions()
        self.meta = {}
        for v in self.all:
            if not v["Key"].startswith(sc.INPUT):
                head = world.head(v["Key"], v["VersionId"])
                self.meta[(v["Key"], v["VersionId"])] = head.get("Metadata", {})
        self.reasons = {}  # (key, version) -> parsed reason document, or None when unreadable
        for v in self.all:
            if v["Key"].startswith(sc.ERRORS) and self.role(v) == "reason":
                try:
                    self.reasons[(v["Key"], v["VersionId"])] = json.loads(
                        world.body(v["Key"], v["VersionId"]))
                except ValueError:
                    self.reasons[(v["Key"], v["VersionId"])] = None

    def current(self, key):
        for v in self.all:
            if v["Key"] == key and v["IsLatest"]:
                return v
        return None

    def role(self, v):
        """What s3proc wrote this as: output, error-copy, reason; "" when s3proc did not write
        it. Objects written before roles were recorded: a source ETag marks an output or an
        error copy, and a reason document had no metadata at all."""
        if self.foreign(v):
            return ""
        meta = self.meta.get((v["Key"], v["VersionId"]), {})
        if meta.get(META_ROLE):
            return meta[META_ROLE]
        if META_ETAG in meta:
            return "output" if v["Key"].startswith(sc.OUTPUT) else "error-copy"
        if v["Key"].startswith(sc.ERRORS) and v["Key"].endswith(".error.json"):
            return "reason"
        return ""

    def foreign(self, v):
        """Whether this version is one the user put in output/ or errors/ themselves."""
        if v["Key"] not in self.world.foreign:
            return False
        body, version_id = self.world.foreign[v["Key"]]
        if version_id:
            return v["VersionId"] == version_id
        return v["ETag"] == hashlib.md5(body).hexdigest()

    def written_by_s3proc(self, v):
        return self.role(v) != ""


def _names(meta, version, versioned):
    """Whether metadata names this input version: its key (by hash, where recorded), ETag and,
    on a versioned bucket, version id."""
    key_hash = meta.get(META_KEY_HASH)
    if key_hash is not None and key_hash != hashlib.sha256(
            (sc.INPUT + version.rel).encode()).hexdigest():
        return False
    return (meta.get(META_ETAG) == version.etag and
            (not versioned or meta.get(META_VERSION, "") == version.version_id))


def accountable_versions(world):
    """The input versions whose fate is checked. On a versioned bucket, all of them. On an
    unversioned one, the last upload of each key: an earlier one overwritten by the user is gone
    by the user's hand, unless s3proc processed it first (then its output stays, and is allowed)."""
    if world.scn.versioned:
        return list(world.inputs)
    last = {}
    for v in world.inputs:
        last[v.rel] = v
    return list(last.values())


def places(world, bucket, version):
    """Where the bytes of one input version ended: a list of descriptions."""
    found = []
    key = sc.INPUT + version.rel
    for v in bucket.all:
        if v["Key"] != key:
            continue
        if world.scn.versioned and v["VersionId"] == version.version_id:
            found.append(f"in input/ (version {v['VersionId']})")
        elif not world.scn.versioned and v["ETag"] == version.etag:
            found.append("in input/")
    # Outputs: any version of output/REL whose provenance names this input version (a newer
    # input version's output legitimately replaces an older one's on a versioned bucket). The
    # same bytes uploaded again (same ETag) are done by the output of the earlier upload.
    for v in bucket.all:
        if v["Key"] == sc.OUTPUT + version.rel and _names(
                bucket.meta.get((v["Key"], v["VersionId"]), {}), version, versioned=False):
            found.append(f"output {v['Key']!r}")
            break
    # Error copies: a version of a copy naming this input version (or, as for outputs, an earlier
    # upload of the same bytes), byte-identical, with a reason document naming it beside it, and
    # not replaced since by anything but a later copy of the same input.
    for v in bucket.all:
        if bucket.role(v) != "error-copy" or not _names(
                bucket.meta.get((v["Key"], v["VersionId"]), {}), version, versioned=False):
            continue
        if not _relates(v["Key"], version.rel):
            continue
        if world.body(v["Key"], v["VersionId"]) != version.body:
            found.append(f"an error copy {v['Key']!r} that is not the input's bytes")
            continue
        # Beside it, as a rule (errors/K.error.json); a key too long for the suffix has both
        # names shortened apart, so the reason is found by what it names.
        if not any(doc and doc.get("source_key") == key and doc.get("source_etag") == version.etag
                   for doc in bucket.reasons.values()):
            found.append(f"an error copy {v['Key']!r} without a reason that names it")
            continue
        now = bucket.current(v["Key"])
        if now is None or (now["VersionId"] != v["VersionId"] and bucket.role(now) != "error-copy"):
            found.append(f"an error copy {v['Key']!r} replaced by "
                         + ("nothing" if now is None else f"a {bucket.role(now) or 'foreign'} object"))
            continue
        found.append(f"error copy {v['Key']!r}")
    return found


def check_i1(world, bucket):
    findings = []
    for version in accountable_versions(world):
        if folder_marker(version):
            continue
        where = places(world, bucket, version)
        good = [w for w in where if not w.startswith("an error copy")]
        if len(good) != 1 or len(good) != len(where):
            what = "; ".join(where) if where else "nowhere"
            findings.append(f"I1: input/{version.rel!r} ({version.kind}, etag {version.etag}"
                            f"{', version ' + version.version_id if version.version_id else ''})"
                            f" ended in {len(good)} places: {what}")
    return findings


def check_i2(world, bucket):
    findings = []
    for key, (body, version_id) in world.foreign.items():
        now = bucket.current(key)
        if now is None:
            findings.append(f"I2: the user's own {key!r} was deleted")
        elif world.scn.versioned and now["VersionId"] != version_id:
            findings.append(f"I2: the user's own {key!r} was overwritten (a new current version)")
        elif world.body(key, now["VersionId"]) != body:
            findings.append(f"I2: the user's own {key!r} was overwritten")
    return findings


def check_i3(world, bucket):
    if not world.scn.versioned:
        return []
    findings = []
    for version in world.inputs:
        outputs = [v for v in bucket.all if v["Key"].startswith((sc.OUTPUT, sc.ERRORS))
                   and not v["Key"].endswith(".error.json")
                   and _names(bucket.meta.get((v["Key"], v["VersionId"]), {}), version, True)
                   and _relates(v["Key"], version.rel)]
        if len(outputs) > 1:
            findings.append(f"I3: input/{version.rel!r} version {version.version_id} yielded "
                            f"{len(outputs)} stored results: "
                            + ", ".join(f"{v['Key']!r}@{v['VersionId']}" for v in outputs))
    return findings


def _relates(key, rel):
    """Whether a result key can belong to input REL (its output, its error copy, or an
    error copy's alternative or shortened name)."""
    if key == sc.OUTPUT + rel:
        return True
    return key.startswith(sc.ERRORS) and key[len(sc.ERRORS):].startswith(rel[:200])


def check_i4(world, bucket):
    findings = []
    uploaded = {(sc.INPUT + v.rel, v.etag) for v in world.inputs}
    for v in bucket.all:
        key = v["Key"]
        if bucket.foreign(v):
            continue
        if key.startswith(sc.INPUT):
            if (key, v["ETag"]) not in uploaded:
                findings.append(f"I4: {key!r} in input/ is not something the user uploaded")
        elif key.startswith((sc.OUTPUT, sc.ERRORS)):
            if not bucket.written_by_s3proc(v):
                findings.append(f"I4: {key!r} has no provenance")
        elif not key.startswith(sc.LEASES):
            findings.append(f"I4: {key!r} written outside output/, errors/ and leases/")
    for path in world.leftover_local_files():
        findings.append(f"I4: a clean run left the local file {path}")
    return findings


def check_i5(world, bucket, drain_runs):
    findings = []
    markers = {sc.INPUT + v.rel for v in world.inputs if folder_marker(v)}
    left = [v["Key"] for v in bucket.all if v["Key"].startswith(sc.INPUT) and v["IsLatest"]
            and v["Key"] not in markers]
    if left:
        lost = ", and the queue holds no message for them" if world.events_lost else ""
        findings.append(f"I5: after {len(drain_runs)} undisturbed runs input/ still holds "
                        + ", ".join(repr(k) for k in left[:5]) + lost)
    if drain_runs and drain_runs[-1].code != 0:
        findings.append(f"I5: the last undisturbed run exited {drain_runs[-1].code}")
    return findings


def check_i6(world, record, input_now, latest_at_start):
    """After one run ended: what it logged done or rejected has left input/.
    `input_now` is {key: version id, or ETag on an unversioned bucket} of input/ read right after
    the run exited; `latest_at_start` the same for the user's uploads when the run started (the
    log names keys, not versions: a key whose version is still the one the run found was not
    deleted; another version may have become current since, by an upload or a version's delete)."""
    findings = []
    if record.signalled == "KILL" or record.hung:
        return findings
    # A follow run in listing mode ends with a follow_stopped line (its passes log a summary
    # each only when they list something); in queue mode with the usual summary.
    summaries = ("summary", "follow_stopped") if record.follow else ("summary",)
    if record.signalled == "TERM" and (record.code is None or record.code < 0 or
                                       not any(e.get("event") in summaries
                                               for e in record.events)):
        findings.append(f"I6: a run stopped with SIGTERM exited {record.code} without a summary")
    if record.signalled == "TERM" and record.follow and record.code != 0:
        findings.append(f"I6: a follow run (a service) stopped with SIGTERM exited {record.code}, "
                        f"not 0 ({record.describe()})")
    finished = {}
    for e in record.events:
        if e.get("event") != "object":
            continue
        if e.get("outcome") in ("done", "rejected"):
            finished[e["key"]] = True
        elif e.get("outcome") == "failed":
            finished.pop(e.get("key"), None)  # its delete failed, and it says so
    for key in finished:
        rel = key[len(sc.INPUT):]
        if rel in record.uploaded_during or key not in input_now:
            continue
        if input_now[key] == latest_at_start.get(key):
            findings.append(f"I6: {key!r} was logged done or rejected but is still in input/ "
                            f"after its run exited ({record.describe()})")
    return findings


def folder_marker(version):
    """A zero-byte key ending in '/': what the S3 console makes for a folder, not a file."""
    return version.rel.endswith("/") and not version.body


def check_end(world, drain_runs):
    bucket = Bucket(world)
    return (check_i1(world, bucket) + check_i2(world, bucket) + check_i3(world, bucket) +
            check_i4(world, bucket) + check_i5(world, bucket, drain_runs))
