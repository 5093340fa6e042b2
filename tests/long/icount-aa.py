#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Across-boot spread of an A/A: the cv of every guest row over every boot.

    tests/long/icount-aa.py [--tol PCT] [--all] AB_DIR

AB_DIR is what `syncfault ab --aa` (or any ab) wrote: side directories
(A, A2, B ...) each holding round-N result directories, one guest boot per
target and round.  A row is a benchmark point on a guest target (bench,
parameters, filesystem, namespace mode, emulator) and one of its metrics;
its value in a boot is the median of that boot's per-repeat values (what
compare's run-level model takes per run).  For each row the script prints
the cv across all boots of all sides (sample standard deviation over mean)
and within each side,
then the median and worst cv over the rows, and the rows whose cv is above
--tol (default 0.5%).  Rows that are zero in every boot (major_faults) have
no cv and are listed apart; --all also prints host rows.  The clock, the
kernels and the boots' counts come from the results themselves.

Exit status: 0 when no row is above --tol, 1 when some are, 2 on bad input.
Python 3 standard library only.
"""
import argparse
import json
import math
import os
import re
import statistics
import sys


def die(msg):
    print("icount-aa: %s" % msg, file=sys.stderr)
    sys.exit(2)


def rounds_of(ab_dir):
    """[(side, round number, path)] for every SIDE/round-N under ab_dir."""
    out = []
    for side in sorted(os.listdir(ab_dir)):
        sdir = os.path.join(ab_dir, side)
        if not os.path.isdir(sdir):
            continue
        for rnd in os.listdir(sdir):
            m = re.fullmatch(r"round-(\d+)", rnd)
            if m and os.path.isdir(os.path.join(sdir, rnd)):
                out.append((side, int(m.group(1)), os.path.join(sdir, rnd)))
    return sorted(out)


def results_in(rdir):
    """Every result object in the round's JSON files (env.json is not one)."""
    for name in sorted(os.listdir(rdir)):
        if not name.endswith(".json") or name == "env.json":
            continue
        try:
            with open(os.path.join(rdir, name)) as f:
                data = json.load(f)
        except (OSError, ValueError) as e:
            print("icount-aa: skipping %s/%s: %s" % (rdir, name, e), file=sys.stderr)
            continue
        for res in data if isinstance(data, list) else [data]:
            if isinstance(res, dict) and "bench" in res and "metrics" in res:
                yield res


def is_guest(res):
    return bool((res.get("target") or {}).get("emulated")) or "vm" in (res.get("info") or {})


def row_key(res, metric, varying):
    """bench, the parameters that vary among its results, where, metric."""
    t = res.get("target") or {}
    params = " ".join("%s=%s" % kv for kv in sorted((res.get("params") or {}).items())
                      if kv[0] in varying.get(res["bench"], ()))
    where = "/".join(str(t.get(k)) for k in ("fs", "namespace_mode") if t.get(k)) or "host"
    return "%s %s [%s] %s" % (res["bench"], params, where, metric["name"])


def boot_value(metric):
    """The boot's value of a metric: the median of its repeats, else its p50."""
    reps = [v for v in metric.get("repeats") or [] if isinstance(v, (int, float))]
    if reps:
        return statistics.median(reps)
    v = metric.get("p50")
    return v if isinstance(v, (int, float)) else None


def varying_params(every):
    """Per benchmark, the parameters that take more than one value."""
    seen = {}
    for _, res in every:
        for k, v in (res.get("params") or {}).items():
            seen.setdefault(res["bench"], {}).setdefault(k, set()).add(str(v))
    return {b: {k for k, vs in ps.items() if len(vs) > 1} for b, ps in seen.items()}


def note_run(facts, boot, res):
    t = res.get("target") or {}
    shift = " (shift %s)" % t.get("icount_shift") if t.get("timing") == "icount" else ""
    facts["clock"].add("%s%s" % (t.get("timing", "real"), shift))
    vm = (res.get("info") or {}).get("vm") or {}
    facts["kernel"].add(str(vm.get("kernel_name") or t.get("kernel")))
    facts["boots"].append((boot, vm.get("boots", 1)))


def collect(ab_dir, with_host):
    """rows[key] = {boot: [values]}, units[key], and what the results say of the runs."""
    rows, units = {}, {}
    facts = {"clock": set(), "kernel": set(), "boots": [], "failed": 0}
    rounds = rounds_of(ab_dir)
    if not rounds:
        die("%s: no SIDE/round-N directories (give the -o directory of syncfault ab)" % ab_dir)
    every = [("%s/round-%d" % (side, n), res) for side, n, rdir in rounds for res in results_in(rdir)]
    varying = varying_params(every)
    for boot, res in every:
        guest = is_guest(res)
        if not guest and not with_host:
            continue
        if res.get("status") != "ok":
            facts["failed"] += 1
            continue
        if guest:
            note_run(facts, boot, res)
        for m in res["metrics"]:
            v = boot_value(m)
            if v is None:
                continue
            key = row_key(res, m, varying)
            rows.setdefault(key, {}).setdefault(boot, []).append(v)
            units[key] = m.get("unit", "")
    return rounds, rows, units, facts


def cv_pct(vals):
    if len(vals) < 2:
        return None
    mean = statistics.fmean(vals)
    if mean == 0:
        return None
    return statistics.stdev(vals) / abs(mean) * 100


def main():
    ap = argparse.ArgumentParser(description="cv across boots of every guest row of an A/A")
    ap.add_argument("--tol", type=float, default=0.5, help="rows above this cv (%%) are listed (default 0.5)")
    ap.add_argument("--all", action="store_true", help="host rows too")
    ap.add_argument("ab_dir")
    a = ap.parse_args()
    if not os.path.isdir(a.ab_dir):
        die("%s: no such directory" % a.ab_dir)
    rounds, rows, units, facts = collect(a.ab_dir, a.all)
    if not rows:
        die("%s: no %sresults in its rounds" % (a.ab_dir, "" if a.all else "guest "))
    sides = sorted({s for s, _, _ in rounds})
    print("A/A across boots: %s" % a.ab_dir)
    print("  sides %s; %d boots (round directories): %s" %
          (", ".join(sides), len(rounds), " ".join("%s/%d" % (s, n) for s, n, _ in rounds)))
    print("  clock: %s; kernel: %s (EMULATED)" % (", ".join(sorted(facts["clock"])) or "-",
                                                ", ".join(sorted(facts["kernel"])) or "-"))
    if len(facts["kernel"]) > 1:
        print("  NOTE: the boots ran different kernels: not an A/A, the cv mixes them")
    extra = sorted({b for b, k in facts["boots"] if k and k > 1})
    print("  rounds that needed more than one boot: %s" % (" ".join(extra) or "none"))
    if facts["failed"]:
        print("  results not ok (left out): %d" % facts["failed"])
    print("  a row's value in a boot: the median of its repeats; cv: stdev/mean across boots")
    print()
    print("%9s %5s %14s %14s  %s  %s" % ("cv", "boots", "min", "max",
                                         " ".join("%8s" % ("cv " + x) for x in sides), "row"))
    table, zero, thin = [], [], []
    for key in sorted(rows):
        vals = [statistics.median(v) for v in rows[key].values()]
        cv = cv_pct(vals)
        if cv is None:
            (zero if vals and all(v == 0 for v in vals) else thin).append(key)
            continue
        table.append((cv, key))
        u = units[key]
        per_side = []
        for side in sides:
            sv = [statistics.median(v) for b, v in rows[key].items() if b.split("/")[0] == side]
            c = cv_pct(sv)
            per_side.append("%7.3f%%" % c if c is not None else "%8s" % "-")
        print("%8.3f%% %5d %14s %14s  %s  %s" % (cv, len(vals), "%.6g %s" % (min(vals), u),
                                                "%.6g %s" % (max(vals), u), " ".join(per_side), key))
    print()
    if not table:
        die("no row has a value in two boots")
    cvs = sorted(c for c, _ in table)
    worst = max(table)
    print("%d rows: median cv %.3f%%, worst %.3f%% (%s)" % (len(table), statistics.median(cvs), worst[0], worst[1]))
    above = sorted((t for t in table if t[0] > a.tol), reverse=True)
    print("rows above %.2f%%: %d" % (a.tol, len(above)))
    for cv, key in above:
        print("  %8.3f%%  %s" % (cv, key))
    if zero:
        print("zero in every boot (no cv): %d rows (%s)" % (len(zero), ", ".join(sorted({k.rsplit(" ", 1)[1] for k in zero}))))
    if thin:
        print("in fewer than two boots (no cv): %s" % "; ".join(thin))
    return 1 if above else 0


if __name__ == "__main__":
    sys.exit(main())
