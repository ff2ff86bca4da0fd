"""A seeded generator of whole scenarios for the model checker: the bucket, the files a user
drops (with names chosen to collide after s3proc's own mappings), objects s3proc did not write,
the configuration, and the runs with their disturbances. The same seed gives the same scenario.

A scenario is data only; world.py plays it against a real S3 API and invariants.py judges it."""

import gzip
import json
import random
import unicodedata
from dataclasses import dataclass, field

INPUT, OUTPUT, ERRORS, LEASES = "input/", "output/", "errors/", "leases/"

# Fault rules the fault proxy understands (tools/fault_proxy), as a run may draw them.
FAULT_MENU = [
    "*:503={r}", "*:reset={r}", "get:truncate={r}", "get,put:flip={r}", "*:reset_body={r}",
    "put,delete,delete_batch:409={r}", "put:412={r}", "*:500={r}",
]

# Routes a scenario may configure, besides the default json processor.
ROUTE_MENU = ["**.csv=csv", "**.ndjson=ndjson", "p/**=passthrough", "**.txt=passthrough"]

# How far a run's host clock may be off (seconds): an NTP step of ten minutes either way, a host
# two hours off, and just past a lease's life (the runs take 30 s leases) either way.
CLOCK_MENU = [-7200, -600, -45, 45, 600, 7200]

# Queue mode: the queue's visibility timeout (s), short so that what a killed run held comes back
# within the drain.
QUEUE_VISIBILITY = 3


@dataclass
class Upload:
    """A user's PUT of `body` to input/`rel` (when = before the first run, or during run N)."""
    rel: str
    body: bytes
    kind: str


@dataclass
class Run:
    """One `s3proc run` on host `host`. `stop` is None (runs to its end), ("KILL", n) or
    ("TERM", n): the signal is sent once the run has logged n object lines (at its end if it
    logs fewer). `faults` are fault-proxy rules for its requests. `overwrite` re-uploads the
    named input (new bytes) as soon as the run logs it done or rejected, before its delete.
    `clock` is how many seconds the host's wall clock is off while it runs. `follow`: a
    service's `run --follow` (polling every second), which ends only by its signal: a follow
    run is always stopped, by its `stop` or else by SIGTERM once it has run FOLLOW_SECONDS."""
    host: int
    stop: tuple | None = None
    faults: list = field(default_factory=list)
    overwrite: list = field(default_factory=list)
    clock: int = 0
    follow: bool = False


@dataclass
class Scenario:
    seed: int
    versioned: bool
    hosts: int
    concurrency: int
    shards: int
    routes: list
    max_attempts: int
    uploads: list          # Upload before the first run
    foreign: dict          # key -> bytes: objects in output/ and errors/ s3proc did not write
    rounds: list           # each round: [Run, ...] started together (overlapping when > 1)
    late_uploads: dict     # round index -> [Upload] uploaded while that round runs
    mode: str = "listing"  # or "queue": runs take their work from S3 events in an SQS queue

    def describe(self):
        runs = sum(len(r) for r in self.rounds)
        kills = sum(1 for r in self.rounds for x in r if x.stop)
        follows = sum(1 for r in self.rounds for x in r if x.follow)
        clocks = sum(1 for r in self.rounds for x in r if x.clock)
        work = "queue mode" if self.mode == "queue" else f"{self.shards} shards"
        return (f"seed {self.seed}: {'versioned' if self.versioned else 'unversioned'} bucket, "
                f"{len(self.uploads)} inputs, {len(self.foreign)} foreign objects, "
                f"{self.hosts} host(s), concurrency {self.concurrency}, {work}, "
                f"{runs} disturbed runs ({kills} signalled, {clocks} with the clock off, "
                f"{follows} following)")


# ---- contents ---------------------------------------------------------------------------------

def _json_doc(rng):
    return json.dumps({"id": rng.randrange(10**6), "items": [rng.random() for _ in range(3)],
                       "name": "é" * rng.randrange(3)}).encode()


def content(rng, rel):
    """(body, kind) for a file named rel: mostly what its name promises, sometimes not."""
    roll = rng.random()
    if rel.endswith(".gz"):
        if roll < 0.6:
            return gzip.compress(_json_doc(rng)), "gzip"
        if roll < 0.8:
            return gzip.compress(_json_doc(rng))[:-6], "gzip-corrupt"
        return gzip.compress(b"[" + b"0," * 200_000 + b"0]"), "gzip-bomb"
    if rel.endswith(".csv"):
        if roll < 0.7:
            return b"a,b\n1,2\n3,4\n", "csv"
        return b"a,b\n1,2,3\n", "csv-ragged"
    if rel.endswith(".ndjson"):
        if roll < 0.7:
            return b'{"a":1}\n{"a":2}\n', "ndjson"
        return b'{"a":1}\n{"a":\n', "ndjson-bad"
    if roll < 0.05:
        return b"", "empty"
    if roll < 0.08:
        return b'{"big":"' + b"x" * (2 << 20) + b'"}', "large"
    if roll < 0.6:
        return _json_doc(rng), "json"
    return b'{"broken": ' + str(rng.randrange(100)).encode(), "invalid"


# ---- names ------------------------------------------------------------------------------------

_BASES = ["a.json", "y.json", "data/x.json", "d/n.ndjson", "t.csv", "p/a.json.gz", "z.txt",
          "caf\u00e9.json", "Case.json", "deep/er/still.json", "k.json"]


def _variants(rng, base):
    """Names that collide with `base` after one of s3proc's mappings, or are merely hostile."""
    stem = base.rsplit("/", 1)
    folder = stem[0] + "/" if len(stem) == 2 else ""
    return [
        base + ".error.json",                              # its reason's name in errors/
        base + ".gz",                                      # gzip suffix
        base.rsplit(".", 1)[0],                            # a file where a folder is ...
        base.rsplit(".", 1)[0] + "/inner.json",            # ... and that folder's content
        base.swapcase(),                                   # case variant
        unicodedata.normalize("NFD", base),                # NFD form of an NFC name
        "./" + base, "../" + base, folder + "/" + base.rsplit("/", 1)[-1],
        base + " ", base + "/",                            # trailing space, trailing slash
        # Control characters (not a newline: moto's server cannot route a key holding one; nor
        # \x01..\x08: its version listing cannot hold them in XML).
        base.replace(".", "\x7f.", 1), base.replace(".", "\t.", 1),
        "long/" + "L" * (1024 - len(INPUT) - len("long/") - len(base)) + base,  # 1024 bytes
    ]


def names(rng, count):
    """`count` distinct relative keys, built to collide with each other."""
    out = []
    while len(out) < count:
        base = rng.choice(_BASES + out) if out and rng.random() < 0.6 else rng.choice(_BASES)
        rel = rng.choice(_variants(rng, base)) if rng.random() < 0.55 else base
        if rel and rel not in out and len((INPUT + rel).encode()) <= 1024:
            out.append(rel)
    return out


def foreign_objects(rng, rels):
    """Objects a user put in output/ and errors/ themselves, at names s3proc may want."""
    out = {}
    for rel in rels:
        if rng.random() < 0.15:
            where = rng.choice([OUTPUT + rel, ERRORS + rel, ERRORS + rel + ".error.json"])
            if len(where.encode()) <= 1024:
                out[where] = b"a user's own file " + str(rng.randrange(10**6)).encode()
    return out


# ---- runs -------------------------------------------------------------------------------------

def _faults(rng):
    if rng.random() < 0.4:
        return []
    picks = rng.sample(FAULT_MENU, rng.randint(1, 3))
    return [p.format(r=round(rng.uniform(0.02, 0.12), 3)) for p in picks]


def _run(rng, hosts, rels):
    stop = None
    roll = rng.random()
    if roll < 0.25:
        stop = ("KILL", rng.randrange(0, max(1, len(rels))))
    elif roll < 0.4:
        # After the first object at the earliest: a SIGTERM before s3proc has set up its handler
        # (the first milliseconds) ends it by the signal's default action, as for any program.
        stop = ("TERM", rng.randrange(1, max(2, len(rels))))
    overwrite = [r for r in rels if rng.random() < 0.08]
    return Run(host=rng.randrange(hosts), stop=stop, faults=_faults(rng), overwrite=overwrite)


def generate(seed):
    rng = random.Random(seed)
    rels = names(rng, rng.randint(3, 14))
    uploads = []
    for rel in rels:
        body, kind = content(rng, rel)
        uploads.append(Upload(rel, body, kind))
    hosts = rng.choice([1, 1, 2, 3])
    rounds, late = [], {}
    for i in range(rng.randint(1, 3)):
        parallel = 1 if rng.random() < 0.6 else rng.randint(2, 3)
        rounds.append([_run(rng, hosts, rels) for _ in range(parallel)])
        if rng.random() < 0.3:
            extra = [r for r in names(rng, 2) if r not in rels]
            late[i] = [Upload(r, *content(rng, r)) for r in extra]
            rels += extra
    scn = Scenario(
        seed=seed,
        versioned=rng.random() < 0.5,
        hosts=hosts,
        concurrency=rng.choice([1, 2, 4, 8]),
        shards=rng.choice([1, 4, 16]),
        routes=rng.sample(ROUTE_MENU, rng.randint(0, len(ROUTE_MENU))),
        max_attempts=rng.choice([1, 2, 3]),
        uploads=uploads,
        foreign=foreign_objects(rng, rels),
        rounds=rounds,
        late_uploads=late,
    )
    # Drawn last, so that every draw above (an older seed's whole scenario) stays as it was.
    scn.mode = "queue" if rng.random() < 0.25 else "listing"
    for run in (r for specs in rounds for r in specs):
        if rng.random() < 0.15:
            run.clock = rng.choice(CLOCK_MENU)
    for run in (r for specs in rounds for r in specs):
        run.follow = rng.random() < 0.2
    return scn


def overwrite_body(rng_seed, rel):
    """The new bytes a producer writes over input/rel during a run (valid JSON, distinct)."""
    rng = random.Random(f"{rng_seed}/{rel}")
    return json.dumps({"rewritten": rel, "n": rng.randrange(10**9)}).encode()

