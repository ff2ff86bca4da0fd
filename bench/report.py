"""Turns bench/run's results into docs/benchmarks.md (between the BEGIN/END RESULTS markers, so
the hand-written analysis around them survives a re-run) and docs/benchmarks.png (gnuplot).

    /usr/bin/python3 bench/report.py RESULTS.json [OUT_DIR]   # re-render saved results
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile

BEGIN = "<!-- BEGIN RESULTS (written by bench/run) -->"
END = "<!-- END RESULTS -->"
KIB, MIB = 1024, 1024 * 1024
LABELS = {
    "s3proc": "s3proc (json)",
    "s3proc-passthrough": "s3proc (passthrough)",
    "s3proc-ndjson": "s3proc (ndjson)",
    "s3proc-static": "s3proc static release (json)",
    "s3proc-static-passthrough": "s3proc static release (passthrough)",
    "seed": "sequential boto3",
    "parallel": "parallel boto3 (32 threads)",
    "parallel-passthrough": "parallel boto3, copy only",
    "rclone": "rclone move (server-side copy)",
    "aws": "aws s3 mv (server-side copy)",
}


def split_concurrency(tool):
    """(the tool without its -cN part, N or None): bench/run's s3proc[-static][-cN][-PROCESSOR]
    names an s3proc at a concurrency of its own (s3proc-c16)."""
    parts = tool.split("-")
    own = [p for p in parts[1:] if p[0] == "c" and p[1:].isdigit()]
    return "-".join(p for p in parts if p not in own), (own[0][1:] if own else None)


def tool_label(tool, concurrency=None):
    """The table's name of a tool. An s3proc at a concurrency of its own says which; so does
    the default one, given `concurrency`, where both are in a workload."""
    base, own = split_concurrency(tool)
    text = LABELS.get(base, base)
    if own:
        return f"{text}, concurrency {own}"
    if concurrency and base.startswith("s3proc"):
        return f"{text}, concurrency {concurrency}"
    return text


def has_concurrency_variant(tools):
    return any(split_concurrency(t)[1] for t in tools)


def peer_rate(summ, order, wl, tool):
    """files/s of `tool` in workload `wl`; where it ran only at the smaller count (the boto3
    scripts, to keep make bench under 15 minutes), its rate in the workload of the same kind
    with the other count: they handle a fixed number of objects at a time, so their rate does
    not depend on how many there are."""
    if tool in summ[wl]:
        return summ[wl][tool]["files_s"]
    if " x " in wl:
        suffix = wl.split(" x ", 1)[1]
        for other in order:
            if other.split(" x ", 1)[-1] == suffix and tool in summ[other]:
                return summ[other][tool]["files_s"]
    return None


def floor_lines(results):
    """The floor table: the least CPU per 1 KiB object this machine allows (bench/run's
    measure_floors)."""
    f = results.get("floors") or {}
    if "http_get" not in f:
        return []
    http = f["http_get"]["us_cpu_per_request"]
    fs = results["machine"].get("work_fs", "the work dirs' filesystem")
    rows = [("one HTTP request: wrk (C, epoll, kept-alive, no signing) GETs a 1 KiB object, "
             "16 connections", http, f"{f['http_get']['us_sys_per_request']:,.0f} in the kernel")]
    for key, label in (("files_work_fs", f"the local file steps of one object on {fs} "
                                         "(bench/file_floor)"),
                       ("files_tmpfs", "the same on tmpfs")):
        if key in f:
            rows.append((label, f[key], ""))
    out = ["### The floor (the least CPU per 1 KiB object on this machine)", "",
           "| what | µs CPU | note |", "|---|---:|---|"]
    out += [f"| {what} | {us:,.0f} | {note} |" for what, us, note in rows]
    if "files_work_fs" in f:
        out.append(f"| **floor per object**: 2 requests (GET + PUT) + the file steps on {fs} | "
                   f"**{2 * http + f['files_work_fs']:,.0f}** | before any user-space work: "
                   "signing, HTTP parsing, JSON |")
    return out + [""]


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def summarise(results):
    """{workload: {tool: row}} with medians over the repetitions that succeeded."""
    table, order = {}, []
    for r in results["runs"]:
        if r["workload"] not in table:
            table[r["workload"]] = {}
            order.append(r["workload"])
        table[r["workload"]].setdefault(r["tool"], []).append(r)
    out = {}
    for wl in order:
        out[wl] = {}
        for tool, runs in table[wl].items():
            good = [r for r in runs if r["ok"]] or runs
            files = good[0]["files"]
            walls = [r["wall"] for r in good]
            row = {
                "n": len(runs), "failed": sum(not r["ok"] for r in runs),
                "wall": med(walls), "wall_min": min(walls), "wall_max": max(walls),
                "files_s": med([r["files"] / r["wall"] for r in good]) if files else None,
                "mb_s": med([r["bytes"] / r["wall"] / 1e6 for r in good]) if files else None,
                "cpu": med([r["cpu"] for r in good]),
                "cpu_per_1000": med([r["cpu"] / r["files"] * 1000 for r in good]) if files else None,
                "rss_mib": max(r["rss_kib"] for r in good) / 1024,
                "files": files, "bytes": good[0]["bytes"],
            }
            out[wl][tool] = row
    return out, order


def limit_for(results, size):
    lim = results["limits"].get(str(size))
    if not lim:
        return None
    get, put, dele = (lim[o]["ops_per_s"] for o in ("get", "put", "delete"))
    if "job" in lim:
        # Measured: s3_limit --op job makes the job's requests (GET, PUT, batched delete).
        job = lim["job"]["ops_per_s"]
    else:
        # Saved results from before 2026-11-28 20:00 have no job measurement: the old model,
        # one GET and one PUT per object, deletes left out.
        job = 1 / (1 / get + 1 / put)
    return {"get": get, "put": put, "delete": dele, "job_files_s": job,
            "job_mb_s": job * size / 1e6,
            "get_mb": lim["get"]["mb_per_s"], "put_mb": lim["put"]["mb_per_s"]}


def job_measured(results):
    """Whether the run measured the job's limit (s3_limit --op job, DELETE batched as the job
    deletes) rather than leaving it to the old GET + PUT model."""
    return any("job" in lim for lim in results["limits"].values())


def fmt(x, digits=0):
    if x is None or x != x:
        return "–"
    if digits == 0:
        return f"{x:,.0f}"
    return f"{x:,.{digits}f}"


def envelope_workloads(results):
    """The workloads bench/run ran inside an envelope (a cgroup sized as a t3.micro), in order."""
    return list(dict.fromkeys(r["workload"] for r in results["runs"] if r.get("envelope")))


def render(results, chart_name):
    summ, order = summarise(results)
    enveloped = envelope_workloads(results)
    order = [wl for wl in order if wl not in enveloped]
    m = results["machine"]
    lines = [BEGIN, ""]
    lines.append(f"Run of {results['date']}: {'QUICK mode, ' if results['quick'] else ''}"
                 f"{results['reps']} repetitions (medians; fewer where noted), "
                 f"s3proc --concurrency {results['concurrency']}, whole run "
                 f"{results['elapsed_s'] / 60:.1f} min.")
    if results.get("phases"):
        lines.append("Where the time went: " + ", ".join(
            f"{name} {sec / 60:.1f} min" for name, sec in results["phases"].items()) + ".")
    lines.append("")
    lines.append(f"Machine: {m['cpu']}, {m['cores']} cores, {m['mem_gib']} GiB, Linux "
                 f"{m['kernel']}; server and client share the cores. Peers: boto3 "
                 f"{m['boto3']} on Python {m['python']} (/usr/bin/python3), {m['rclone']}, "
                 f"{m['aws'].split(' ')[0]}; server: {m['rgw'].split('(')[0].strip()} "
                 "(memstore), on 127.0.0.1."
                 + (f" Work dirs on {m['work_fs']}." if m.get("work_fs") else ""))
    lines.append("")
    if results.get("assembled"):
        lines.append(results["assembled"])
        lines.append("")
    if results.get("load"):
        lines.append(f"Load average before / after the run: {results['load'][0]} / "
                     f"{results['load'][1]} (other work on the machine makes every wall-time "
                     "figure slower; CPU-seconds are less affected).")
        lines.append("")

    lines.append("### The server limit (s3_limit: s3proc's S3 client in a tight loop)")
    lines.append("")
    lines.append("| object size | PUT/s | GET/s | " + (
        "objects deleted/s (DeleteObjects, 500 keys)" if job_measured(results)
        else "DELETE/s") + " | PUT MB/s | GET MB/s | "
                 "full-job limit files/s | full-job limit MB/s |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|")
    for size in sorted(int(s) for s in results["limits"]):
        lim = limit_for(results, size)
        label = f"{size // MIB} MiB" if size >= MIB else f"{size // KIB} KiB"
        lines.append(f"| {label} | {fmt(lim['put'])} | {fmt(lim['get'])} | {fmt(lim['delete'])} "
                     f"| {fmt(lim['put_mb'], 1)} | {fmt(lim['get_mb'], 1)} | "
                     f"{fmt(lim['job_files_s'])} | {fmt(lim['job_mb_s'], 1)} |")
    lines.append("")
    if job_measured(results):
        lines.append("Full-job limit: measured, not modelled: `s3_limit --op job` makes exactly "
                     "the requests s3proc makes per object and nothing else (GET it to memory, "
                     "or to a file above 64 MiB, PUT the bytes to a new key, delete the input "
                     "in DeleteObjects batches of 500) on 16 threads (2 for 256 MiB), as for "
                     "PUT and GET. Listing (1,000 keys a page) and the 16 shard leases per run "
                     "are left out.")
    else:
        lines.append("Full-job limit = 1 / (1/GET + 1/PUT): each object costs the server one GET "
                     "and one PUT; deletes (1,000 per DeleteObjects) and listing pages are "
                     "ignored.")
    lines.append("")
    lines += floor_lines(results)

    lines.append("### Side by side")
    lines.append("")
    lines.append("| workload | tool | files/s | MB/s | wall s (min–max) | client CPU s / 1,000 "
                 "files | µs CPU / file | peak RSS MiB | vs sequential | vs parallel | vs limit | runs |")
    lines.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for wl in order:
        rows = summ[wl]
        size = None
        for r in results["runs"]:
            if r["workload"] == wl and r["files"]:
                size = r["bytes"] // r["files"]
        lim = limit_for(results, size) if size else None
        concurrency = results["concurrency"] if has_concurrency_variant(rows) else None
        for tool, row in rows.items():
            base_seed = peer_rate(summ, order, wl, "seed")
            base_par = peer_rate(summ, order, wl, "parallel") or (
                rows.get("parallel-passthrough") or {}).get("files_s")
            fs = row["files_s"]
            ratio = lambda b: f"{fs / b:.1f}×" if fs and b and not tool.startswith(
                ("seed",)) else "–"
            vs_lim = f"{fs / lim['job_files_s'] * 100:.0f} %" if (
                lim and fs and tool.startswith(("s3proc", "parallel", "seed"))) else "–"
            us = row["cpu_per_1000"] * 1000 if row["cpu_per_1000"] is not None else None
            wall = (f"{row['wall']:.3f} ({row['wall_min']:.3f}–{row['wall_max']:.3f})"
                    if not row["files"] else
                    f"{row['wall']:.2f} ({row['wall_min']:.2f}–{row['wall_max']:.2f})")
            runs = f"{row['n']}" + (f" ({row['failed']} failed)" if row["failed"] else "")
            lines.append(
                f"| {wl} | {tool_label(tool, concurrency)} | {fmt(fs)} | {fmt(row['mb_s'], 1)} | "
                f"{wall} | {fmt(row['cpu_per_1000'], 2)} | {fmt(us)} | "
                f"{fmt(row['rss_mib'])} | "
                f"{ratio(base_seed) if tool != 'seed' else '1.0×'} | "
                f"{ratio(base_par) if not tool.startswith('parallel') else '–'} | {vs_lim} | "
                f"{runs} |")
    lines.append("")
    if results.get("proxy_stats"):
        ps = results["proxy_stats"]
        lines.append("Fault proxy counters for the 503 workload (last repetition): "
                     f"`{json.dumps(ps)[:400]}`")
        lines.append("")
    lines += envelope_lines(results, summ, enveloped)

    if results.get("micro"):
        lines.append("### Micro-benchmarks (Google Benchmark, bench/s3proc_micro_bench)")
        lines.append("")
        lines.append("| benchmark | CPU time | wall time | throughput |")
        lines.append("|---|---:|---:|---:|")
        for b in results["micro"]:
            if b.get("error_occurred"):
                continue
            unit = b.get("time_unit", "ns")
            tput = (f"{b['bytes_per_second'] / 1e6:,.0f} MB/s" if b.get("bytes_per_second")
                    else "")
            lines.append(f"| {b['name']} | {b['cpu_time']:,.0f} {unit} | "
                         f"{b['real_time']:,.0f} {unit} | {tput} |")
        lines.append("")
    lines.append(f"![files/s, MB/s, CPU per 1,000 files and peak RSS]({chart_name})")
    lines.append("")
    lines.append(END)
    return "\n".join(lines), summ, order


def envelope_lines(results, summ, order):
    """The envelope table: each run inside a cgroup of its own sized as the instance (bench/run's
    Envelope), its peak memory and OOM kills from the cgroup."""
    if not order:
        return []
    runs = [r for r in results["runs"] if r["workload"] in order]
    env = runs[0]["envelope"]
    load = results.get("load") or ["?", "?"]
    loads = sorted(r["envelope"]["load1"] for r in runs)
    start_load = loads[0] if loads[0] == loads[-1] else f"{loads[0]}–{loads[-1]}"
    # Each tool's start: its wall time on an empty input/ (s3proc-c16 starts as s3proc does).
    starts = {tool: row["wall"] for wl in order for tool, row in summ[wl].items()
              if not row["files"]}
    out = [f"### The {env['name']} envelope ({env['cpus']:g} of a CPU, {env['memory_mib']} MiB)",
           "",
           f"Each tool ran in a cgroup v1 of its own limited to {env['cpus']:g} of a CPU "
           f"(cpu.cfs_quota_us {env['cpus'] * 100000:.0f} per cpu.cfs_period_us 100000), what a "
           f"{env['name']} sustains, and {env['memory_mib']} MiB, what it has left after its OS; "
           "the server ran outside it. Wall times include the tool's start (the \"empty\" row), "
           "which a cron job pays on every run; \"after start\" leaves it out. "
           f"Load average before / after the run: {load[0]} / {load[1]}; {start_load} as these "
           "rows started.",
           "",
           "| workload | tool | files/s | files/s after start | MB/s | wall s | client CPU s | "
           "µs CPU / file | peak RSS MiB (process) | cgroup RSS MiB (total_rss, sampled) | "
           "cgroup peak MiB (with page cache) | OOM kills | vs script | runs |",
           "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for wl in order:
        concurrency = results["concurrency"] if has_concurrency_variant(summ[wl]) else None
        for tool, row in summ[wl].items():
            mine = [r for r in runs if r["workload"] == wl and r["tool"] == tool]
            good = [r["envelope"] for r in mine if r["ok"]] or [r["envelope"] for r in mine]
            script = peer_rate(summ, order, wl, "seed")
            vs = (f"{row['files_s'] / script:.1f}×" if tool != "seed" and script
                  and row["files_s"] else "–")
            small = row["files"] and row["bytes"] / row["files"] < MIB
            us = row["cpu_per_1000"] * 1000 if small else None
            start = starts.get(split_concurrency(tool)[0])
            after_start = (row["files"] / (row["wall"] - start)
                           if small and start is not None and row["wall"] > start else None)
            runs_text = f"{row['n']}" + (f" ({row['failed']} failed)" if row["failed"] else "")
            out.append(
                f"| {wl} | {tool_label(tool, concurrency)} | "
                f"{fmt(row['files_s'] if small else None)} | {fmt(after_start)} | "
                f"{fmt(row['mb_s'], 1)} | {row['wall']:.2f} | {row['cpu']:.2f} | {fmt(us)} | "
                f"{fmt(row['rss_mib'])} | "
                f"{max(g['sampled_max_rss_mib'] for g in good)} | "
                f"{max(g['max_usage_mib_with_page_cache'] for g in good)} | "
                f"{sum(r['envelope']['oom_kills'] for r in mine)} | {vs} | {runs_text} |")
    return out + [""]


def chart(summ, order, path):
    """A 2x2 gnuplot PNG: files/s (small files), CPU s / 1,000 files, MB/s (large), peak RSS."""
    small = [w for w in order if "KiB" in w and "503" not in w]
    large = [w for w in order if "MiB" in w]
    tools = ["s3proc", "s3proc-passthrough", "s3proc-ndjson", "parallel",
             "parallel-passthrough", "seed", "rclone", "aws"]
    with tempfile.TemporaryDirectory() as d:
        def write(name, workloads, key):
            present = [t for t in tools if any(t in summ[w] for w in workloads)]
            with open(os.path.join(d, name), "w") as f:
                f.write("workload " + " ".join(f'"{LABELS[t]}"' for t in present) + "\n")
                for w in workloads:
                    vals = []
                    for t in present:
                        v = summ[w].get(t, {}).get(key)
                        vals.append("-" if v is None else f"{v:.3f}")
                    f.write(f'"{w}" ' + " ".join(vals) + "\n")
            return len(present)
        n1 = write("fs.dat", small, "files_s")
        n2 = write("cpu.dat", small, "cpu_per_1000")
        n3 = write("mb.dat", large, "mb_s")
        n4 = write("rss.dat", small + large, "rss_mib")
        script = f"""
set terminal pngcairo size 1500,1050 font ",9"
set output "{path}"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set datafile missing "-"
set key top right font ",8"
set grid ytics
set xtics rotate by -15 font ",8"
set multiplot layout 2,2 title "s3proc vs peers, local RGW on loopback (medians)"
set title "files/s, 1 KiB JSON (higher is better)"
set logscale y
plot for [i=2:{n1 + 1}] "{d}/fs.dat" using i:xtic(1) title columnheader(i)
set title "client CPU-seconds per 1,000 files (lower is better)"
plot for [i=2:{n2 + 1}] "{d}/cpu.dat" using i:xtic(1) title columnheader(i)
set title "MB/s, large objects (higher is better; rclone and aws copy server-side)"
plot for [i=2:{n3 + 1}] "{d}/mb.dat" using i:xtic(1) title columnheader(i)
unset logscale y
set title "peak RSS, MiB (lower is better)"
plot for [i=2:{n4 + 1}] "{d}/rss.dat" using i:xtic(1) title columnheader(i)
unset multiplot
"""
        # A panel without data (a partial run) would make gnuplot fail: leave it out.
        kept = []
        for block in script.split("set title ")[1:]:
            n = int(block.split("i=2:")[1].split("]")[0]) - 1 if "i=2:" in block else 1
            if n > 0:
                kept.append("set title " + block)
        head = script.split("set title ")[0]
        tail = "unset multiplot\n"
        body = "".join(k.replace("unset multiplot\n", "") for k in kept)
        subprocess.run(["gnuplot"], input=head + body + tail, text=True, check=True)


def write(results, out_dir, scratch=None):
    os.makedirs(out_dir, exist_ok=True)
    block, summ, order = render(results, "benchmarks.png")  # order: the envelope's left out
    md = os.path.join(out_dir, "benchmarks.md")
    text = open(md).read() if os.path.exists(md) else ""
    if BEGIN in text and END in text:
        text = text[:text.index(BEGIN)] + block + text[text.index(END) + len(END):]
    else:
        text = "# Benchmarks\n\n" + block + "\n"
    with open(md, "w") as f:
        f.write(text)
    chart(summ, order, os.path.join(out_dir, "benchmarks.png"))


if __name__ == "__main__":
    res = json.load(open(sys.argv[1]))
    write(res, sys.argv[2] if len(sys.argv) > 2 else os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs"))
