/**
 * `node bin/run-ts.mjs bench/metrics.ts [--pairs 100000] [--seed 1] [--repeats 5] [--no-python]`
 * Corpus WER throughput on seeded synthetic (reference, hypothesis) pairs of 10-20 words, against
 * jiwer's C path run on the same pairs in the same run: map every distinct word to one Unicode
 * character, python-Levenshtein `editops` per pair, sum the counts (jiwer 2.x `_word2char` + `editops`; the
 * Debian package python3-levenshtein). Both sides start from raw lines and include jiwer's default
 * word transform. Total edit counts must agree; hits may differ only where alignments tie (the two
 * break ties differently: ours prefers more hits).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { Rng } from '../harness/engine/rng.ts';
import { corpusEditStats, type EditStats, editRates } from '../metrics/edit-distance.ts';
import { madeUpWords } from './made-up-words.ts';

const opts = new Command()
  .option('--pairs <n>', 'segment pairs', (v) => Number.parseInt(v, 10), 100_000)
  .option('--seed <n>', 'data seed', (v) => Number.parseInt(v, 10), 1)
  .option('--repeats <n>', 'timed runs per side (median reported)', (v) => Number.parseInt(v, 10), 5)
  .option('--vocab <n>', 'distinct words', (v) => Number.parseInt(v, 10), 2000)
  .option('--no-python', 'skip the jiwer-method comparison')
  .parse()
  .opts();

/** ASR-like noise: per word 5% substitution, 3% deletion, 3% insertion after it. */
function makePairs(
  n: number,
  seed: number,
  vocabSize: number,
): { refs: string[]; hyps: string[]; refWords: number } {
  const rng = new Rng(seed);
  const vocab = madeUpWords(rng.fork('vocab'), vocabSize);
  const refs: string[] = [];
  const hyps: string[] = [];
  let refWords = 0;
  for (let i = 0; i < n; i++) {
    const ref = Array.from({ length: rng.int(10, 20) }, () => rng.pick(vocab));
    const hyp: string[] = [];
    for (const w of ref) {
      const u = rng.next();
      if (u < 0.05) hyp.push(rng.pick(vocab));
      else if (u >= 0.08) hyp.push(w);
      if (rng.next() < 0.03) hyp.push(rng.pick(vocab));
    }
    refs.push(ref.join(' '));
    hyps.push(hyp.join(' '));
    refWords += ref.length;
  }
  return { refs, hyps, refWords };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x: number) => Math.round(x).toLocaleString('en-US');

// jiwer's method, timed inside Python so interpreter start-up and file reading are excluded.
const PY = `
import json, re, sys, time, Levenshtein
lines = open(sys.argv[1], encoding='utf-8').read().split('\\n')[:-1]
pairs = [l.split('\\t') for l in lines]
repeats = int(sys.argv[2])
def words(s):
    return [w for w in re.sub(r"\\s\\s+", " ", s).strip().split(" ") if w]
def run():
    refs = [words(r) for r, _ in pairs]
    hyps = [words(h) for _, h in pairs]
    vocab = set()
    for s in refs: vocab.update(s)
    for s in hyps: vocab.update(s)
    w2c = {w: chr(i) for i, w in enumerate(vocab)}
    rcs = [''.join(w2c[w] for w in r) for r in refs]
    hcs = [''.join(w2c[w] for w in h) for h in hyps]
    t = time.perf_counter()
    ops = [Levenshtein.editops(rc, hc) for rc, hc in zip(rcs, hcs)]
    editops_s = time.perf_counter() - t
    H = S = D = I = 0
    for r, o in zip(refs, ops):
        s = d = i = 0
        for op, _, _ in o:
            if op == 'replace': s += 1
            elif op == 'delete': d += 1
            else: i += 1
        S += s; D += d; I += i; H += len(r) - s - d
    return (H, S, D, I), editops_s
times, editops = [], []
for _ in range(repeats):
    t = time.perf_counter(); out, e = run(); times.append(time.perf_counter() - t); editops.append(e)
print(json.dumps({'times': times, 'editops': editops, 'counts': out, 'python': sys.version.split()[0]}))
`;

function runPython(
  refs: string[],
  hyps: string[],
  repeats: number,
): { ms: number[]; editopsMs: number[]; counts: number[]; python: string } | string {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import Levenshtein'], { encoding: 'utf8' });
  if (probe.status !== 0)
    return `skipped: /usr/bin/python3 -c 'import Levenshtein' failed (${(probe.stderr || String(probe.error)).trim().split('\n').pop()})`;
  const dir = mkdtempSync(join(tmpdir(), 'bench-metrics-'));
  try {
    const file = join(dir, 'pairs.tsv');
    writeFileSync(file, refs.map((r, i) => `${r}\t${hyps[i]}\n`).join(''));
    const r = spawnSync('/usr/bin/python3', ['-c', PY, file, String(repeats)], {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    });
    if (r.status !== 0) return `failed: ${r.stderr.trim()}`;
    const out = JSON.parse(r.stdout) as {
      times: number[];
      editops: number[];
      counts: number[];
      python: string;
    };
    return {
      ms: out.times.map((t) => t * 1000),
      editopsMs: out.editops.map((t) => t * 1000),
      counts: out.counts,
      python: out.python,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const { refs, hyps, refWords } = makePairs(opts.pairs, opts.seed, opts.vocab);
console.log(
  `corpus WER: ${fmt(opts.pairs)} pairs, ${fmt(refWords)} reference words, vocabulary ${opts.vocab}, seed ${opts.seed}; ` +
    `Node ${process.version}`,
);

const ms: number[] = [];
let stats: EditStats | undefined;
for (let k = 0; k < opts.repeats; k++) {
  const t = performance.now();
  stats = corpusEditStats(refs, hyps, 'word');
  ms.push(performance.now() - t);
}
const js = median(ms);
const errors = (s: { substitutions: number; deletions: number; insertions: number }) =>
  s.substitutions + s.deletions + s.insertions;
console.log(
  `distill-bench EditScorer: median ${js.toFixed(1)} ms of ${opts.repeats} (first ${ms[0].toFixed(1)} ms) -> ` +
    `${fmt((opts.pairs / js) * 1000)} pairs/s, ${fmt((refWords / js) * 1000)} words/s; WER ${editRates(stats!).wer.toFixed(4)}`,
);

if (opts.python) {
  const py = runPython(refs, hyps, Math.max(1, Math.min(opts.repeats, 3)));
  if (typeof py === 'string') {
    console.log(`jiwer method (python-Levenshtein editops): ${py}`);
  } else {
    const pm = median(py.ms);
    const [H, S, D, I] = py.counts;
    console.log(
      `jiwer method (Python ${py.python}, python-Levenshtein editops over word->char strings): median ${pm.toFixed(1)} ms ` +
        `of ${py.ms.length} -> ${fmt((opts.pairs / pm) * 1000)} pairs/s, ${fmt((refWords / pm) * 1000)} words/s`,
    );
    const em = median(py.editopsMs);
    console.log(
      `  of which the C editops calls alone: median ${em.toFixed(1)} ms -> ${fmt((opts.pairs / em) * 1000)} pairs/s`,
    );
    console.log(
      `ratio distill-bench / jiwer method: ${(pm / js).toFixed(2)}x faster end to end, ` +
        `${(em / js).toFixed(2)}x the speed of the editops calls alone`,
    );
    const same = errors(stats!) === S + D + I;
    console.log(
      `total errors S+D+I: distill-bench ${fmt(errors(stats!))}, jiwer method ${fmt(S + D + I)} -> ${same ? 'equal' : 'DIFFERENT'}; ` +
        `hits ${fmt(stats!.hits)} vs ${fmt(H)} (S/D/I ${stats!.substitutions}/${stats!.deletions}/${stats!.insertions} vs ${S}/${D}/${I})`,
    );
    if (!same) process.exitCode = 1;
  }
}
