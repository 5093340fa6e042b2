#!/usr/bin/env python3
"""What a reader of report.txt / compare.txt must never meet: a cell that
says nan or inf, a change of -0.0%, a name cut short.

    cells.py report REPORT.TXT RESULTS_DIR
    cells.py compare COMPARE.TXT RESULTS_DIR...
    cells.py page PAGE.HTML RESULTS_DIR...      (nan and -0.0% only)

A name is cut when a parameter's k=v, a varying parameter's value, a
metric's name does not appear whole: report.txt's table of each benchmark
has, for every result, a line with every parameter that varies among the
benchmark's results; its appendix every metric; compare.txt every metric
of the results it paired, and no k=v that is the start of a longer value
of k.  Prints each problem; exit 1 if any.
"""
import glob
import json
import os
import re
import sys

problems = []


def results(dirs):
    out = []
    for d in dirs:
        for f in sorted(glob.glob(os.path.join(d, "**", "*.json"), recursive=True)):
            r = json.load(open(f))
            if isinstance(r, dict) and "bench" in r:
                out.append(r)
    return out


def no_numbers_lost(text, where):
    for m in re.finditer(r"(?<![A-Za-z])-?(nan|inf)(?![A-Za-z])", text, re.I):
        line = text[:m.start()].count("\n") + 1
        problems.append("%s:%d: '%s' in a cell" % (where, line, m.group(0)))
    for m in re.finditer(r"-0(\.0+)?%", text):
        line = text[:m.start()].count("\n") + 1
        problems.append("%s:%d: a negative zero change '%s'" % (where, line, m.group(0)))


def values_of(res):
    vals = {}
    for r in res:
        for k, v in r.get("params", {}).items():
            vals.setdefault(k, set()).add(v)
    return vals


def no_cut_pairs(text, res, where):
    """A k=v whose v is not a value of k but the start of one was cut."""
    vals = values_of(res)
    for m in re.finditer(r"(?<![\w-])([A-Za-z_][\w-]*)=([^\s,;:)\]]+)", text):
        k, v = m.group(1), m.group(2)
        if k in vals and v not in vals[k] and any(x.startswith(v) for x in vals[k]):
            line = text[:m.start()].count("\n") + 1
            problems.append("%s:%d: '%s=%s' is cut (values of %s: %s)" %
                            (where, line, k, v, k, ", ".join(sorted(vals[k]))))


def whole(token, text):
    return re.search(r"(?<![\w=-])" + re.escape(token) + r"(?![\w-])", text) is not None


def bench_table(text, bench):
    """report.txt's compact table of bench: from its heading to the first blank line."""
    m = re.search(r"^== %s ==.*\n((?:.+\n)+)" % re.escape(bench), text, re.M)
    return m.group(1) if m else ""


def check_report(path, dirs):
    text = open(path).read()
    res = results(dirs)
    no_numbers_lost(text, path)
    no_cut_pairs(text, res, path)
    appendix = text[text.find("\nAppendix: every metric"):]
    if len(appendix) < 2:
        problems.append("%s: no appendix of every metric" % path)
    for bench in sorted({r["bench"] for r in res}):
        mine = [r for r in res if r["bench"] == bench]
        table = bench_table(text, bench).splitlines()
        varying = [k for k, v in values_of(mine).items() if len(v) > 1]
        for r in mine:
            want = [(k, r["params"][k]) for k in varying if k in r["params"]]
            if not any(all(whole(v, ln) or whole("%s=%s" % (k, v), ln) for k, v in want)
                       for ln in table):
                problems.append("%s: %s's table has no line with %s whole" %
                                (path, bench, " ".join("%s=%s" % kv for kv in want)))
            for m in r.get("metrics", []):
                if not whole(m["name"], appendix):
                    problems.append("%s: metric %s of %s is not whole in the appendix" %
                                    (path, m["name"], bench))


def check_compare(path, dirs):
    text = open(path).read()
    res = results(dirs)
    no_numbers_lost(text, path)
    no_cut_pairs(text, res, path)
    for name in sorted({m["name"] for r in res if r.get("status") == "ok"
                        for m in r.get("metrics", [])}):
        if not whole(name, text):
            problems.append("%s: metric %s is not whole" % (path, name))


def main():
    mode, path, dirs = sys.argv[1], sys.argv[2], sys.argv[3:]
    if mode == "report":
        check_report(path, dirs)
    elif mode == "compare":
        check_compare(path, dirs)
    else:
        no_numbers_lost(open(path).read(), path)
    for p in problems[:40]:
        print(p)
    if len(problems) > 40:
        print("... and %d more" % (len(problems) - 40))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
