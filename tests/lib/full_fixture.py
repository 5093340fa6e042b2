#!/usr/bin/env python3
"""A results directory shaped like a configs/full.ini run, assembled from
the recorded results of a quick run (tests/e2e/fixtures/quick): for every
run that `syncfault suite configs/full.ini --list` prints, the recorded
result of the same benchmark nearest to it (the same target first, then
the most parameters alike), with the run's parameters, its target's
recorded target and environment, and the status the full run recorded
where a point cannot run (a primitive whose CPU flag the guest lacks,
write-protect faults and 2 MiB pages on tmpfs).  Its values are the
quick run's: a fixture for rendering (every name, every parameter
combination, unsupported rows), not a measurement.

    full_fixture.py QUICKDIR LISTFILE OUTDIR
"""
import copy
import glob
import json
import os
import shlex
import sys

RUN_OPTIONS = {"repeats", "precision", "min-repeats", "max-repeats", "max-time", "timing"}
# what the runs of configs/full.ini that cannot run said (benches/flush.c, benches/fault.c)
CPU_FLAG = {"ntstore-avx512": "avx512f", "movdir64b": "movdir64b"}


def spelling(r):
    """The suite's target spelling of a recorded result: host:DIR or vm:NAME."""
    t = r["target"]
    if not t.get("emulated"):
        return "host:" + t["path"]
    return "vm:" + ("devdax" if t.get("devdax") else t["fs"] + "-dax")


def parse(cmd):
    words = shlex.split(cmd)
    bench, params, i = words[1], {}, 2
    while i < len(words):
        w = words[i][2:]
        if "=" in w:
            k, v = w.split("=", 1)
            i += 1
        else:
            k, v = w, words[i + 1]
            i += 2
        if k not in RUN_OPTIONS:
            params[k] = v
    return bench, params


def unsupported(bench, params, target, env):
    flags = env.get("cpu", {}).get("flags", {})
    prim = params.get("primitive")
    if bench == "flush" and prim in CPU_FLAG and not flags.get(CPU_FLAG[prim], False):
        return CPU_FLAG[prim] + " missing"
    if bench == "fault" and target["fs"] == "tmpfs" and params.get("class") == "wp":
        return ("no write-protect fault after msync on tmpfs: it does not track dirty "
                "pages through faults")
    if bench == "fault" and target["fs"] == "tmpfs" and params.get("size") == "2m":
        return ("size=2m: %s is tmpfs mounted without huge=, so its files get 4 KiB pages "
                "and no fault maps 2 MiB (remount with -o huge=within_size, or use a DAX "
                "target)" % target["mount_point"])
    return None


def main(quick, listfile, out):
    recorded = []
    for f in sorted(glob.glob(os.path.join(quick, "*.json"))):
        r = json.load(open(f))
        if "bench" in r:
            recorded.append((os.path.basename(f), r))
    by_target = {}
    for _, r in recorded:
        by_target.setdefault(spelling(r), r)
    os.makedirs(out, exist_ok=True)
    n = 0
    for line in open(listfile):
        rid, target, cmd = line.rstrip("\n").split("\t")
        bench, params = parse(cmd)
        cands = [(f, r) for f, r in recorded if r["bench"] == bench]
        f, src = max(cands, key=lambda c: (spelling(c[1]) == target,
                                           sum(c[1]["params"].get(k) == v
                                               for k, v in params.items())))
        r = copy.deepcopy(src)
        tr = by_target[target]
        r["params"] = params
        r["target"] = copy.deepcopy(tr["target"])
        r["env"] = copy.deepcopy(tr["env"])
        r["syncfault_version"] = "%s test-fixture (assembled for configs/full.ini from %s)" % (
            src["syncfault_version"].split(" ")[0], f)
        why = unsupported(bench, params, r["target"], r["env"])
        if why:
            r.update(status="unsupported", reason=why, metrics=[], checks=[])
        with open(os.path.join(out, rid + ".json"), "w") as o:
            json.dump(r, o, separators=(",", ":"))
        n += 1
    env = json.load(open(os.path.join(quick, "env.json")))
    env["suite"].update(label="full", config="configs/full.ini", runs=n, finished_runs=n)
    json.dump(env, open(os.path.join(out, "env.json"), "w"))
    print(n)


if __name__ == "__main__":
    main(*sys.argv[1:4])
