#!/usr/bin/env python3
"""Turns memdb_bench's or memdb_durable_bench's JSON output into markdown tables.

    python3 bench/ratios.py build-bench/memdb_bench.json
    python3 bench/ratios.py build-bench/memdb_durable_bench.json
    python3 bench/ratios.py run1.json run2.json run3.json   # repetitions of several runs pooled

memdb_bench: per workload (and thread count), each store's time per operation, throughput, and
its time as a multiple of memdb's ("x memdb": above 1 means memdb is faster), then memdb against
the unordered_map baseline; bytes/key for load; and a summary of the ratios worth watching.

memdb_durable_bench: per store and thread count, the time per durable commit, commits/s, the
time as a multiple of the raw write+fdatasync loop's (1 thread), memdb's group size; replay
MB/s; and the durability targets (memdb within 1.1x of raw, 2-writer scaling at least 1.7x,
replay at least 200 MB/s), each marked met or missed.

With --benchmark_repetitions the median is used and its coefficient of variation shown. Given
several JSON files (runs of the same binary), their repetitions are pooled: the median, best and
cv are taken over all of them.
"""
import json
import sys
from collections import defaultdict

TO_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
WORKLOAD_ORDER = ["point_get", "txn_put1", "txn_rmw10", "scan100", "open_close", "load",
                  "durable_commit", "recovery_replay"]
DURABLE_WORKLOADS = ("durable_commit", "recovery_replay")
STORE_ORDER = ["memdb", "unordered_map", "map", "raw_append_fdatasync", "raw_overwrite_fdatasync",
               "lmdb", "rocksdb", "leveldb", "sqlite"]
RAW = "raw_append_fdatasync"
# The durability targets (issue 3).
TARGET_MEMDB_VS_RAW = 1.10      # memdb's 1-writer time per commit / raw's, at most
TARGET_GROUP_SCALING = 1.70     # memdb's 2-writer / 1-writer commits/s, at least
TARGET_REPLAY_MBPS = 200.0      # Db::Open replay rate, MB/s (1e6 bytes), at least


def parse(paths):
    # (workload, threads) -> store -> list of runs, and the aggregates when present (one file
    # only: with several files the statistics are recomputed from the pooled runs)
    runs = defaultdict(lambda: defaultdict(list))
    aggregates = defaultdict(lambda: defaultdict(dict))
    context = {}
    for path in paths:
        with open(path) as f:
            doc = json.load(f)
        context = context or doc.get("context", {})
        for b in doc.get("benchmarks", []):
            if b.get("error_occurred"):
                continue
            parts = b.get("run_name", b["name"]).split("/")
            if len(parts) < 2 or not parts[0].startswith("BM_"):
                continue
            key = (parts[0][3:], int(b.get("threads", 1)))
            store = parts[1]
            if b.get("run_type") == "aggregate":
                if len(paths) == 1:
                    aggregates[key][store][b.get("aggregate_name")] = b
            else:
                runs[key][store].append(b)
    if len(paths) > 1:
        context = dict(context, pooled_runs=str(len(paths)))
    return context, runs, aggregates


def ns_per_op(b):
    # Real time per iteration; for multi-threaded runs it is wall time / total iterations,
    # i.e. the inverse of aggregate throughput.
    return b["real_time"] * TO_NS[b.get("time_unit", "ns")]


def cpu_ns_per_op(b):
    # CPU time of the benchmark threads per operation (summed over threads); unlike real time
    # it barely moves when other processes compete for the cores.
    return b["cpu_time"] * TO_NS[b.get("time_unit", "ns")]


def summarize(key, store, runs, aggregates):
    """Median real ns/op, best (minimum) real ns/op, median CPU ns/op, throughput, cv."""
    agg = aggregates[key].get(store, {})
    rs = runs[key].get(store, [])
    if not rs and "median" not in agg:
        return None
    out = {"cv": None}
    if "median" in agg:
        med = agg["median"]
        out.update(ns=ns_per_op(med), cpu=cpu_ns_per_op(med), ips=med.get("items_per_second"),
                   src=med)
        cv = agg.get("cv")
        if cv and cv.get("aggregate_unit") == "percentage":
            out["cv"] = cv["real_time"]
        elif "stddev" in agg and "mean" in agg and agg["mean"]["real_time"]:
            out["cv"] = agg["stddev"]["real_time"] / agg["mean"]["real_time"]
    else:
        mid = len(rs) // 2
        by_ns = sorted(rs, key=ns_per_op)
        out.update(ns=ns_per_op(by_ns[mid]), cpu=sorted(cpu_ns_per_op(r) for r in rs)[mid],
                   ips=by_ns[mid].get("items_per_second"), src=by_ns[mid])
        if len(rs) > 1:
            times = [ns_per_op(r) for r in rs]
            mean = sum(times) / len(times)
            var = sum((t - mean) ** 2 for t in times) / (len(times) - 1)
            out["cv"] = var ** 0.5 / mean if mean else None
    if rs:
        best = min(rs, key=ns_per_op)
        out["best"] = ns_per_op(best)
        out["best_ips"] = best.get("items_per_second")
        out["best_src"] = best
    else:
        out["best"], out["best_ips"], out["best_src"] = out["ns"], out["ips"], out["src"]
    return out


def fmt_ns(ns):
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e4:
        return f"{ns / 1e3:.1f} µs"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns:.0f} ns"


def fmt_rate(ips):
    if not ips:
        return "-"
    for unit, scale in (("M/s", 1e6), ("k/s", 1e3)):
        if ips >= scale:
            return f"{ips / scale:.2f} {unit}"
    return f"{ips:.1f} /s"


def ordered(stores):
    return sorted(stores, key=lambda s: (STORE_ORDER.index(s) if s in STORE_ORDER else 99, s))


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    context, runs, aggregates = parse(argv[1:])
    keys = sorted(set(runs) | set(aggregates),
                  key=lambda k: (WORKLOAD_ORDER.index(k[0]) if k[0] in WORKLOAD_ORDER else 99,
                                 k[1]))
    table = {}
    for key in keys:
        for store in set(runs[key]) | set(aggregates[key]):
            s = summarize(key, store, runs, aggregates)
            if s:
                table[(key, store)] = s

    engine_keys = [k for k in keys if k[0] not in DURABLE_WORKLOADS]
    durable_keys = [k for k in keys if k[0] in DURABLE_WORKLOADS]
    if engine_keys:
        print_engine(context, engine_keys, runs, aggregates, table)
    if durable_keys:
        if engine_keys:
            print()
        print_durable(context, durable_keys, runs, aggregates, table)
    return 0


def print_engine(context, keys, runs, aggregates, table):
    n = context.get("memdb_bench.keys", "?")
    print(f"memdb_bench: {n} keys, 16-byte keys, 100-byte values; "
          f"host {context.get('host_name', '?')}, {context.get('num_cpus', '?')} CPUs, "
          f"{context.get('date', '')}")
    print()
    print("time/op: median real time; best: fastest repetition; cpu/op: median CPU time of the")
    print("benchmark threads; x memdb: median time / memdb's (above 1: memdb is faster);")
    print("cv: coefficient of variation of real time across repetitions.")
    print()
    print("| workload | store | time/op | best | cpu/op | throughput | x memdb | cv | bytes/key |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for key in keys:
        workload, threads = key
        label = workload + (f" ({threads} threads)" if threads > 1 else "")
        memdb = table.get((key, "memdb"))
        for store in ordered(set(runs[key]) | set(aggregates[key])):
            s = table.get((key, store))
            if not s:
                continue
            ratio = f"{s['ns'] / memdb['ns']:.2f}" if memdb else "-"
            cv = f"{100 * s['cv']:.1f}%" if s.get("cv") is not None else "-"
            bpk = s["src"].get("bytes_per_key")
            bpk_text = f"{bpk:.0f}" if bpk is not None else ""
            if bpk is not None and "file_bytes_per_key" in s["src"]:
                bpk_text += f" ({s['src']['file_bytes_per_key']:.0f} file)"
            unit_ns = s["ns"] / (float(n) if workload == "load" and n != "?" else 1.0)
            time_text = fmt_ns(s["ns"]) + (f" ({unit_ns:.0f} ns/key)" if workload == "load"
                                           and n != "?" else "")
            print(f"| {label} | {store} | {time_text} | {fmt_ns(s['best'])} | {fmt_ns(s['cpu'])} "
                  f"| {fmt_rate(s['ips'])} | {ratio} | {cv} | {bpk_text} |")

    def get(workload, store, threads=1):
        return table.get(((workload, threads), store))

    def ratio_text(m, o):
        return (f"{m['ns'] / o['ns']:.2f}x median ({fmt_ns(m['ns'])} vs {fmt_ns(o['ns'])}), "
                f"{m['best'] / o['best']:.2f}x best, {m['cpu'] / o['cpu']:.2f}x cpu")

    print()
    print("Key ratios (memdb time / other store's time: below 1 means memdb is faster)")
    print()
    lines = []
    for workload in WORKLOAD_ORDER:
        for threads in (1, 2):
            m, u = get(workload, "memdb", threads), get(workload, "unordered_map", threads)
            if m and u:
                suffix = f" ({threads} threads)" if threads > 1 else ""
                lines.append(f"- {workload}{suffix}: memdb / unordered_map+shared_mutex = "
                             + ratio_text(m, u))
    for workload in ("point_get", "txn_put1"):
        parts = []
        for store in ordered({k[1] for k in table if k[0] == (workload, 2)}):
            one, two = get(workload, store, 1), get(workload, store, 2)
            if one and two and one["ips"] and two["ips"]:
                parts.append(f"{store} {two['ips'] / one['ips']:.2f} "
                             f"(best {two['best_ips'] / one['best_ips']:.2f})")
        if parts:
            lines.append(f"- {workload} 2-thread scaling (2-thread / 1-thread throughput, "
                         "median and best): " + ", ".join(parts))
    m, l = get("scan100", "memdb"), get("scan100", "lmdb")
    if m and l:
        lines.append("- scan100: memdb / lmdb = " + ratio_text(m, l))
    m = get("load", "memdb")
    if m and "bytes_per_key" in m["src"]:
        extra = ""
        if "engine_bytes_per_key" in m["src"]:
            extra = f" (engine's own accounting: {m['src']['engine_bytes_per_key']:.0f})"
        lines.append(f"- memdb bytes/key after load: {m['src']['bytes_per_key']:.0f}{extra}")
    print("\n".join(lines))


def fmt_mbps(bytes_per_second):
    return f"{bytes_per_second / 1e6:.0f} MB/s ({bytes_per_second / 2**20:.0f} MiB/s)"


def verdict(ok):
    return "**met**" if ok else "**missed**"


def print_durable(context, keys, runs, aggregates, table):
    def get(workload, store, threads=1):
        return table.get(((workload, threads), store))

    print(f"memdb_durable_bench: durable commits of one put (16-byte key, 100-byte value); "
          f"host {context.get('host_name', '?')}, {context.get('num_cpus', '?')} CPUs, "
          f"{context.get('date', '')}")
    print(f"directory {context.get('memdb_bench.dir', '?')}: "
          f"{context.get('memdb_bench.filesystem', '?')}; source "
          f"{context.get('memdb_bench.git', '?')}"
          + (f"; {context['pooled_runs']} runs pooled" if "pooled_runs" in context else ""))
    print()
    print("time/commit: median real time per commit (2 threads: wall time / all commits, the")
    print("inverse of the aggregate rate); best: fastest repetition; cpu/commit: CPU time of the")
    print(f"benchmark threads per commit; x raw: time / {RAW} 1-thread time (below 1: faster")
    print("than one append+fdatasync stream); group: memdb's commits per log append + sync.")
    print()
    print("| store | threads | time/commit | best | cpu/commit | commits/s | x raw | group | cv |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    raw1 = get("durable_commit", RAW, 1)
    for threads in (1, 2):
        key = ("durable_commit", threads)
        for store in ordered(set(runs[key]) | set(aggregates[key])):
            s = table.get((key, store))
            if not s:
                continue
            x_raw = f"{s['ns'] / raw1['ns']:.2f}" if raw1 else "-"
            cv = f"{100 * s['cv']:.1f}%" if s.get("cv") is not None else "-"
            group = s["src"].get("group_size")
            group_text = f"{group:.2f}" if group is not None else ""
            print(f"| {store} | {threads} | {fmt_ns(s['ns'])} | {fmt_ns(s['best'])} "
                  f"| {fmt_ns(s['cpu'])} | {fmt_rate(s['ips'])} | {x_raw} | {group_text} | {cv} |")

    replay = sorted(k[1] for k in table if k[0] == ("recovery_replay", 1))
    if replay:
        print()
        print("| replay | log | Db::Open time | best | replay rate (median) | best rate "
              "| recovery's own clock | cv |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for name in sorted(replay, key=lambda n: (int(n.split("MiB")[0]) if "MiB" in n else 0, n)):
            s = get("recovery_replay", name)
            log_mib = s["src"].get("log_MiB")
            own = s["src"].get("recovery_MBps")
            cv = f"{100 * s['cv']:.1f}%" if s.get("cv") is not None else "-"
            log_text = f"{log_mib:.0f} MiB" if log_mib is not None else "-"
            own_text = f"{own:.0f} MB/s" if own is not None else "-"
            print(f"| {name} | {log_text} | {fmt_ns(s['ns'])} | {fmt_ns(s['best'])} "
                  f"| {fmt_mbps(s['src'].get('bytes_per_second', 0))} "
                  f"| {fmt_mbps(s['best_src'].get('bytes_per_second', 0))} "
                  f"| {own_text} | {cv} |")

    print()
    print("Durability targets and ratios")
    print()
    lines = []
    m1, m2 = get("durable_commit", "memdb", 1), get("durable_commit", "memdb", 2)
    if m1 and raw1:
        r = m1["ns"] / raw1["ns"]
        lines.append(f"- memdb 1 writer / {RAW} (time per commit, target <= "
                     f"{TARGET_MEMDB_VS_RAW:.2f}x): {r:.2f}x {verdict(r <= TARGET_MEMDB_VS_RAW)} "
                     f"({fmt_ns(m1['ns'])} vs {fmt_ns(raw1['ns'])}; best {m1['best'] / raw1['best']:.2f}x, "
                     f"cpu {m1['cpu'] / raw1['cpu']:.2f}x)")
    if m1 and m2 and m1["ips"] and m2["ips"]:
        r = m2["ips"] / m1["ips"]
        group = m2["src"].get("group_size")
        group_text = f"; group size {group:.2f}" if group is not None else ""
        lines.append(f"- memdb 2 writers / 1 writer (commits/s, target >= "
                     f"{TARGET_GROUP_SCALING:.2f}x): {r:.2f}x {verdict(r >= TARGET_GROUP_SCALING)} "
                     f"({fmt_rate(m2['ips'])} vs {fmt_rate(m1['ips'])}; best "
                     f"{m2['best_ips'] / m1['best_ips']:.2f}x{group_text})")
    if raw1 and m2:
        lines.append(f"- memdb 2 writers vs {RAW} 1 thread: {m2['ips'] / raw1['ips']:.2f}x the raw "
                     "rate")
    parts = []
    for store in ordered({k[1] for k in table if k[0] == ("durable_commit", 2)}):
        one, two = get("durable_commit", store, 1), get("durable_commit", store, 2)
        if one and two and one["ips"] and two["ips"]:
            parts.append(f"{store} {two['ips'] / one['ips']:.2f}")
    if parts:
        lines.append("- 2-thread / 1-thread commits/s: " + ", ".join(parts))
    if raw1:
        for threads in (1, 2):
            parts = []
            for store in ordered({k[1] for k in table if k[0] == ("durable_commit", threads)}):
                if store == RAW and threads == 1:
                    continue
                s = get("durable_commit", store, threads)
                parts.append(f"{store} {s['ns'] / raw1['ns']:.2f}x")
            if parts:
                lines.append(f"- {threads}-thread time per commit / {RAW} 1 thread: "
                             + ", ".join(parts))
    for name in replay:
        s = get("recovery_replay", name)
        bps = s["src"].get("bytes_per_second")
        if not bps:
            continue
        mbps = bps / 1e6
        target = (f" (target >= {TARGET_REPLAY_MBPS:.0f} MB/s: {verdict(mbps >= TARGET_REPLAY_MBPS)})"
                  if name.endswith("warm") else " (page cache dropped: disk-bound, no target)")
        lines.append(f"- recovery_replay {name}: {mbps:.0f} MB/s{target}")
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
