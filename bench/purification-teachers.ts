/**
 * `npm run bench:purification-teachers [-- --seed 1 --student nano --cache-dir DIR]`: the paper's
 * "more teachers" curve (Jin et al. 2026; results in BENCHMARKS.md). Runs the `purification` suite's
 * multi-teacher and purify:* techniques with the first k = 2..4 of its teachers on one seed and one
 * student, prints accuracy against k, and the Conflict Mitigation Value of each method both ways:
 *   (a) CMV = mean_{n=2..N} (Acc_M(n) − Acc_TinyLLM(n))
 *   (b) CMV = mean_{n=2..N} [(Acc_M(n) − Acc_M(n−1)) − (Acc_T(n) − Acc_T(n−1))]
 * At k = 1 every method is the same thing (gold + the one teacher's rationales, λ = 1); the harness
 * refuses multi-teacher with one teacher, so that point is multi-teacher over the first teacher listed
 * twice with λ = 1/2: the same greedy rationales twice at half weight, i.e. the identical loss.
 * With Acc_M(1) = Acc_T(1), reading (b) telescopes to (Acc_M(N) − Acc_T(N))/(N − 1).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { parse } from 'yaml';
import { defaultCacheDir } from '../harness/cache-dir.ts';
import { runSuite } from '../harness/runner/run.ts';
import { readRunDir } from '../harness/runner/run-dir.ts';

const opts = new Command()
  .option('--cache-dir <dir>', 'teacher cache', defaultCacheDir())
  .option('--seed <n>', 'seed', (v) => Number.parseInt(v, 10), 1)
  .option('--student <id>', 'student of the suite to use (default: its first)')
  .option('--workers <n>', 'worker processes', (v) => Number.parseInt(v, 10), 2)
  .option('--out <dir>', 'where the per-k run directories go')
  .parse()
  .opts();

type Entry = string | Record<string, Record<string, unknown>>;
const base = parse(readFileSync(join(import.meta.dirname, '..', 'suites', 'purification.yaml'), 'utf8'));
const idOf = (e: Entry) => (typeof e === 'string' ? e : Object.keys(e)[0]);
const methods = (base.techniques as Entry[]).filter((e) => /^(multi-teacher|purify:)/.test(idOf(e)));
const student = base.students.find((s: { id: string }) => s.id === (opts.student ?? base.students[0].id));
const teachers = base.teachers as { id: string }[];
const N = teachers.length;
const root = opts.out ?? mkdtempSync(join(tmpdir(), 'bench-purification-teachers-'));
mkdirSync(root, { recursive: true });

/** Runs one variant of the suite and returns accuracy per technique label and split. */
async function run(k: number, suiteTeachers: unknown[], techniques: Entry[]) {
  const file = join(root, `k${k}.json`);
  const suite = {
    ...base,
    name: `purification-k${k}`,
    teachers: suiteTeachers,
    students: [student],
    techniques,
  };
  writeFileSync(file, JSON.stringify({ ...suite, seeds: [opts.seed] }));
  const out = join(root, `k${k}`);
  const res = await runSuite({
    suite: file,
    out,
    workers: opts.workers,
    cacheDir: opts.cacheDir,
    progress: 'silent',
  });
  if (res.failed) throw new Error(`k=${k}: ${res.failed} job(s) failed, see ${out}`);
  const acc = new Map<string, number>();
  for (const r of readRunDir(out).results)
    if (r.metric === 'accuracy') acc.set(`${r.technique}|${r.split}`, r.value);
  return acc;
}

const t0 = performance.now();
const optionsOf = (e: Entry | undefined) => (e && typeof e !== 'string' ? Object.values(e)[0] : {});
const k1 = await run(
  1,
  [teachers[0], { ...teachers[0], id: `${teachers[0].id}-again` }],
  [{ 'multi-teacher': { ...optionsOf(methods.find((e) => idOf(e) === 'multi-teacher')), lambda: 0.5 } }],
);
const curves = new Map<string, { test: number[]; ood: number[] }>();
for (const m of methods)
  curves.set(idOf(m), { test: [k1.get('multi-teacher|test')!], ood: [k1.get('multi-teacher|ood')!] });
for (let k = 2; k <= N; k++) {
  const acc = await run(k, teachers.slice(0, k), methods);
  for (const m of methods) {
    const c = curves.get(idOf(m))!;
    c.test.push(acc.get(`${idOf(m)}|test`)!);
    c.ood.push(acc.get(`${idOf(m)}|ood`)!);
  }
}

const cmv = (m: number[], t: number[]) => {
  const ns = m.map((_, i) => i).slice(1);
  const a = ns.reduce((s, i) => s + (m[i] - t[i]), 0) / ns.length;
  const b = ns.reduce((s, i) => s + (m[i] - m[i - 1] - (t[i] - t[i - 1])), 0) / ns.length;
  return { a, b };
};
const f = (x: number) => (x >= 0 ? ' ' : '') + x.toFixed(3);
console.log(
  `purification teachers curve: seed ${opts.seed}, student ${student.id}, teachers in order ${teachers.map((t) => t.id).join(', ')}; ` +
    `${((performance.now() - t0) / 60000).toFixed(1)} min; run dirs under ${root}`,
);
for (const split of ['test', 'ood'] as const) {
  console.log(`\n${split} accuracy by number of teachers k, and CMV vs multi-teacher ((a) level, (b) slope)`);
  console.log(
    `${'technique'.padEnd(26)} | ${Array.from({ length: N }, (_, i) => `k=${i + 1}  `).join(' | ')} | CMV (a) | CMV (b)`,
  );
  const tiny = curves.get('multi-teacher')![split];
  for (const [id, c] of curves) {
    const { a, b } = cmv(c[split], tiny);
    console.log(`${id.padEnd(26)} | ${c[split].map((x) => x.toFixed(3)).join(' | ')} | ${f(a)}  | ${f(b)}`);
  }
}
