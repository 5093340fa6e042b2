#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""How compare does on real noise: false marks and the shifted rows found.

usage: tests/long/spike-in.py SYNCFAULT AADIR [AADIR...] [--runs K] [--shift PCT]...

Each AADIR is a `syncfault ab --aa --rounds N` output.  In an A/A every
finished run of either side is the same experiment, so its runs are
shuffled (seeded: the same AADIRs give the same A/As) and cut into
disjoint groups of 2K runs (K a side, default 3): each group is one
independent A/A, no run is in two.  Per A/A, `syncfault compare --format
tsv` of K runs against K: every mark is a false one.  Then, per SHIFT%, a
tenth of the points (result files) of its new side get every metric made
SHIFT% worse (the known answer) and the shifted rows -- identified by their
pairing key and metric, not by counting marks -- that compare marks WORSE
are counted, with how many of them were shifted by at least the
detectable change compare printed for them in the A/A and found.  Rows
that cannot show a change (all zero) count as not found.  Nothing is
timed: run it beside anything.  Measured: docs/patch-review.md."""
import json, os, random, re, shutil, subprocess, sys, tempfile

def usage():
    sys.exit(__doc__.split('\n\n')[1])

args = sys.argv[1:]
if len(args) < 2:
    usage()
sf, dirs, k, shifts = args[0], [], 3, []
i = 1
while i < len(args):
    if args[i] == '--runs':
        k = int(args[i + 1]); i += 2
    elif args[i] == '--shift':
        shifts.append(float(args[i + 1])); i += 2
    else:
        dirs.append(args[i]); i += 1
rng = random.Random(1)

def finished_runs(aa):
    out = []
    for side in sorted(os.listdir(aa)):
        sd = os.path.join(aa, side)
        if not os.path.isdir(sd):
            continue
        for r in sorted(os.listdir(sd)):
            env = os.path.join(sd, r, 'env.json')
            if r.startswith('round-') and os.path.exists(env) and \
               re.search(r'"interrupted": ?false', open(env).read()):
                out.append(os.path.join(sd, r))
    return out

def compare(base, new):
    cmd = [sf, 'compare', '--format', 'tsv']
    for b in base:
        cmd += ['--base', b]
    for n in new:
        cmd += ['--new', n]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode not in (0, 5):
        sys.exit('spike-in: compare failed: %s' % p.stderr.strip())
    lines = p.stdout.rstrip('\n').split('\n')
    head = lines[0].split('\t')
    return [dict(zip(head, l.split('\t'))) for l in lines[1:]]

def pair_key(r):
    """syncfault's pairing key (sf_result_key): bench, sorted params but repeats, target kind."""
    t = r['target']
    kind = (t.get('fs') or 'none') + ('-dax' if t.get('dax') else '')
    ps = ''.join(' %s=%s' % (a, b) for a, b in sorted(r['params'].items()) if a != 'repeats')
    return '%s%s @%s' % (r['bench'], ps, kind)

def spiked_copy(runs, chosen, pct, tmp):
    """Copies of the new side's runs with the chosen files' metrics made pct% worse; the rows shifted."""
    out, rows = [], set()
    for i, d in enumerate(runs):
        t = os.path.join(tmp, 'n%d' % i)
        shutil.copytree(d, t, ignore=shutil.ignore_patterns('guest-*', '*.log', '*.trace', 'plots'))
        for f in chosen:
            p = os.path.join(t, f)
            if not os.path.exists(p):
                continue
            res = json.load(open(p))
            for r in (res if isinstance(res, list) else [res]):
                if r.get('status') != 'ok':
                    continue
                for m in r.get('metrics', []):
                    if m.get('repeats') and m.get('better') in ('lower', 'higher'):
                        fac = 1 + pct / 100 if m['better'] == 'lower' else 1 / (1 + pct / 100)
                        m['repeats'] = [v * fac for v in m['repeats']]
                        rows.add((pair_key(r), m['name']))
            json.dump(res, open(p, 'w'))
        out.append(t)
    return out, rows

groups = []
for aa in dirs:
    runs = finished_runs(aa)
    rng.shuffle(runs)
    groups += [runs[j:j + 2 * k] for j in range(0, len(runs) - 2 * k + 1, 2 * k)]
if not groups:
    sys.exit('spike-in: fewer than %d finished runs in %s' % (2 * k, ' '.join(dirs)))
T = dict(rows=0, tested=0, marked=0, flagging=0, d5=0)
S = {p: dict(rows=0, found=0, above=0, above_found=0) for p in shifts}
for g, runs in enumerate(groups):
    base, new = runs[:k], runs[k:]
    aa = compare(base, new)
    rows = [r for r in aa if r['metric'] != '-']
    marked = [r for r in aa if r['mark'] in ('WORSE', 'better')]
    tested = [r for r in rows if r['mark'] not in ('expl', 'diag', 'not-a-number')]
    det = {(r['key'], r['metric']): float(r['detectable_pct']) for r in tested}
    T['rows'] += len(rows); T['tested'] += len(tested); T['marked'] += len(marked)
    T['flagging'] += bool(marked)
    T['d5'] += sum(1 for r in tested if float(r['detectable_pct']) <= 5)
    line = 'A/A %2d (%d runs a side): %d rows, %d marked%s' % (
        g, k, len(rows), len(marked),
        ''.join(' [%s %s %s]' % (r['key'], r['metric'], r['mark']) for r in marked))
    files = sorted(f for f in os.listdir(new[0]) if f.endswith('.json') and f != 'env.json')
    chosen = rng.sample(files, max(1, len(files) // 10))
    for pct in shifts:
        tmp = tempfile.mkdtemp()
        try:
            nd, shifted = spiked_copy(new, chosen, pct, tmp)
            res = {(r['key'], r['metric']): r for r in compare(base, nd)}
        finally:
            shutil.rmtree(tmp)
        found = [x for x in shifted if x in res and res[x]['mark'] == 'WORSE']
        above = [x for x in shifted if x in det and det[x] <= pct]
        S[pct]['rows'] += len(shifted); S[pct]['found'] += len(found)
        S[pct]['above'] += len(above); S[pct]['above_found'] += len([x for x in above if x in found])
        line += '; +%g%%: %d of %d' % (pct, len(found), len(shifted))
    print(line, flush=True)
print('%d independent A/As of %d runs a side: %d of %d rows marked (%.2f%%), %d A/As marking '
      'anything; %.1f%% of the tested rows would mark 5%%' % (
          len(groups), k, T['marked'], T['rows'], 100.0 * T['marked'] / max(1, T['rows']),
          T['flagging'], 100.0 * T['d5'] / max(1, T['tested'])))
for p in shifts:
    s = S[p]
    print('shift +%g%%: %d rows shifted, %d found (%.1f%%); shifted by at least their printed '
          'detectable: %d, found %d' % (p, s['rows'], s['found'], 100.0 * s['found'] / max(1, s['rows']),
                                         s['above'], s['above_found']))
