#!/usr/bin/env python3
"""Turns memdb_bench's JSON output into a markdown table.

    python3 bench/ratios.py build-bench/memdb_bench.json

Per workload (and thread count): each store's time per operation, throughput, and its time as a
multiple of memdb's ("x memdb": above 1 means memdb is faster), then memdb against the
unordered_map baseline; bytes/key for load; and a summary of the ratios worth watching. With
--benchmark_repetitions the median is used and its coefficient of variation shown.
"""
import json
import sys
from collections import defaultdict

TO_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
WORKLOAD_ORDER = ["point_get", "txn_put1", "txn_rmw10", "scan100", "open_close", "load"]
STORE_ORDER = ["memdb", "unordered_map", "map", "lmdb", "rocksdb", "leveldb", "sqlite"]


def parse(path):
    with open(path) as f:
        doc = json.load(f)
    # (workload, threads) -> store -> list of runs, and the aggregates when present
    runs = defaultdict(lambda: defaultdict(list))
    aggregates = defaultdict(lambda: defaultdict(dict))
    for b in doc.get("benchmarks", []):
        if b.get("error_occurred"):
            continue
        parts = b.get("run_name", b["name"]).split("/")
        if len(parts) < 2 or not parts[0].startswith("BM_"):
            continue
        key = (parts[0][3:], int(b.get("threads", 1)))
        store = parts[1]
        if b.get("run_type") == "aggregate":
            aggregates[key][store][b.get("aggregate_name")] = b
        else:
            runs[key][store].append(b)
    return doc.get("context", {}), runs, aggregates


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
    if rs:
        best = min(rs, key=ns_per_op)
        out["best"] = ns_per_op(best)
        out["best_ips"] = best.get("items_per_second")
    else:
        out["best"], out["best_ips"] = out["ns"], out["ips"]
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
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    context, runs, aggregates = parse(argv[1])
    keys = sorted(set(runs) | set(aggregates),
                  key=lambda k: (WORKLOAD_ORDER.index(k[0]) if k[0] in WORKLOAD_ORDER else 99,
                                 k[1]))
    table = {}
    for key in keys:
        for store in set(runs[key]) | set(aggregates[key]):
            s = summarize(key, store, runs, aggregates)
            if s:
                table[(key, store)] = s

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
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
