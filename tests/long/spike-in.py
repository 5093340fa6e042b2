#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""How compare does on real noise: false flags and power, from one A/A run.

usage: tests/long/spike-in.py AADIR SYNCFAULT [SPLITS] [SHIFT% ...]

AADIR is a `syncfault ab --aa --rounds N` output with N >= 3 (6 gives many
splits: `syncfault ab --aa --rounds 6 -o AADIR configs/quick.ini`).  Each
split draws 3 finished runs as base and 3 others as new (seeded: the same
AADIR gives the same splits) and compares them: every flag is a false one.
Then, per SHIFT%, a tenth of the new side's points get every metric made
SHIFT% worse (the known answer) and the flags added are counted against
the rows shifted.  Rows that cannot show a shift (all zeros) count as not
found, so the power printed is a lower bound.  Nothing is timed: run it
beside anything.  Measured 2026-12-06: see docs/patch-review.md."""
import json, os, random, re, shutil, subprocess, sys, tempfile

aa, sf = sys.argv[1], sys.argv[2]
nsplit = int(sys.argv[3]) if len(sys.argv) > 3 else 20
spikes = [float(x) for x in sys.argv[4:]]
runs = sorted(os.path.join(aa, s, r) for s in os.listdir(aa) if os.path.isdir(os.path.join(aa, s))
              for r in os.listdir(os.path.join(aa, s)) if r.startswith('round-')
              and re.search(r'"interrupted": ?false', open(os.path.join(aa, s, r, 'env.json')).read() if os.path.exists(os.path.join(aa, s, r, 'env.json')) else ''))
rng = random.Random(1)

def compare(base, new):
    args = [sf, 'compare']
    for b in base:
        args += ['--base', b]
    for n in new:
        args += ['--new', n]
    out = subprocess.run(args, capture_output=True, text=True).stdout
    m = re.search(r'Summary: (\d+) metrics in \d+ pairs: (\d+) significantly worse, (\d+) significantly better', out.replace('\n', ' ').replace('  ', ' '))
    d5 = re.search(r'(\d+) of the (\d+) rows could detect a 5% change', out.replace('\n', ' '))
    prior = re.search(r'Rounds test:[^.]*\.[^.]*\.[^.]*', out.replace('\n', ' '))
    return int(m.group(1)), int(m.group(2)), int(m.group(3)), int(d5.group(1)), prior.group(0) if prior else ''

def spiked_copy(dirs, chosen, pct, tmp):
    nd, nrows = [], 0
    for i, d in enumerate(dirs):
        t = os.path.join(tmp, 'n%d' % i)
        shutil.copytree(d, t, ignore=shutil.ignore_patterns('guest-*', '*.log', '*.trace'))
        for f in chosen:
            p = os.path.join(t, f)
            if not os.path.exists(p):
                continue
            j = json.load(open(p))
            if j.get('status') != 'ok':
                continue
            for m in j.get('metrics', []):
                if m.get('repeats') and m.get('better') in ('lower', 'higher'):
                    fac = 1 + pct / 100 if m['better'] == 'lower' else 1 / (1 + pct / 100)
                    m['repeats'] = [v * fac for v in m['repeats']]
                    nrows += i == 0
            json.dump(j, open(p, 'w'))
        nd.append(t)
    return nd, nrows

T = dict(rows=0, flag=0, d5=0)
S = {p: [0, 0] for p in spikes}
for k in range(nsplit):
    pick = rng.sample(runs, 6)
    base, new = pick[:3], pick[3:]
    rows, w, b, d5, prior = compare(base, new)
    T['rows'] += rows; T['flag'] += w + b; T['d5'] += d5
    line = 'split %2d: %d rows, %d flagged, %d detect 5%%' % (k, rows, w + b, d5)
    files = sorted(f for f in os.listdir(new[0]) if f.endswith('.json') and f != 'env.json')
    chosen = rng.sample(files, max(1, len(files) // 10))
    for pct in spikes:
        tmp = tempfile.mkdtemp()
        nd, nsp = spiked_copy(new, chosen, pct, tmp)
        r2, w2, b2, _, _ = compare(base, nd)
        shutil.rmtree(tmp)
        S[pct][0] += nsp; S[pct][1] += max(0, w2 + b2 - (w + b))
        line += '; +%g%%: %d of %d' % (pct, w2 + b2 - (w + b), nsp)
    print(line, '|', prior[:150], flush=True)
print('A/A: %d rows, %d flagged (%.2f%%), %.1f%% could detect 5%%' % (T['rows'], T['flag'], 100.0 * T['flag'] / T['rows'], 100.0 * T['d5'] / T['rows']))
for p in spikes:
    print('spike %+g%%: %d rows, ~%d found (%.1f%%)' % (p, S[p][0], S[p][1], 100.0 * S[p][1] / max(1, S[p][0])))
