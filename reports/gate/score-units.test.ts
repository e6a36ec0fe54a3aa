import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runScore } from '../../harness/score/score.ts';
import { cli } from '../../test/helpers/cli.ts';
import { removeTempDirs, tempDir } from './testing.ts';
import type { Comparison, GateResult } from './types.ts';

/**
 * The gate on two score runs through the real CLI. The responses are built so every per-prompt
 * number is known by hand: the production model either repeats the teacher's answer word for word
 * (RSE-proxy 5: every component is 1 for identical strings) or answers with digits only, sharing no
 * character, token or word with the teacher's letters-only answer (every component 0, RSE-proxy 1).
 */

const N = 60;
const dir = tempDir();
afterAll(removeTempDirs);

/** Letters-only, distinct per prompt: 0 → "a", 25 → "z", 26 → "ba". */
const letters = (i: number): string =>
  (i >= 26 ? letters(Math.floor(i / 26)) : '') + String.fromCharCode(97 + (i % 26));
const teacherAnswer = (i: number) => `the answer is ${letters(i)} and then ${letters(i + 7)}`;

function responses(name: string, degraded: (i: number) => boolean, id = (i: number) => `q${i}`): string {
  const rows: string[] = [];
  for (let i = 0; i < N; i++) {
    const base = { prompt_id: id(i), prompt: `Question ${i}?`, reference: teacherAnswer(i) };
    rows.push(JSON.stringify({ ...base, model: 'teacher', response: teacherAnswer(i) }));
    const response = degraded(i) ? `${1000 + i} 404` : teacherAnswer(i);
    rows.push(JSON.stringify({ ...base, model: 'prod', response }));
  }
  const path = join(dir, `${name}.jsonl`);
  writeFileSync(path, `${rows.join('\n')}\n`);
  return path;
}

async function score(name: string, file: string): Promise<string> {
  const out = join(dir, name);
  await runScore({ responses: file, referenceModel: 'teacher', out, report: false, log: () => {} });
  return out;
}

function gate(cand: string, base: string, out: string) {
  const r = cli(['gate', cand, '--baseline', base, '--out', out]);
  const json = JSON.parse(readFileSync(join(out, 'gate.json'), 'utf8')) as GateResult;
  const find = (technique: string, task: string, metric: string): Comparison =>
    json.comparisons.find((c) => c.technique === technique && c.task === task && c.metric === metric)!;
  return { ...r, json, find, md: readFileSync(join(out, 'gate.md'), 'utf8') };
}

describe('gate on score runs: paired bootstrap over prompts', async () => {
  // Baseline: the production model repeats the teacher on every prompt.
  const good = await score(
    'good',
    responses('good', () => false),
  );
  // Candidate: digits-only answers on every odd prompt (30 of 60).
  const bad = await score(
    'bad',
    responses('bad', (i) => i % 2 === 1),
  );
  // Same answers as the baseline, but 55 of the 60 prompt ids renamed.
  const renamed = await score(
    'renamed',
    responses(
      'renamed',
      () => false,
      (i) => (i < 5 ? `q${i}` : `r${i}`),
    ),
  );

  it('a degraded candidate exits 1 with a regression on rse-proxy; the CI is where the hand count puts it', () => {
    const g = gate(bad, good, join(dir, 'gate-bad'));
    expect(g.code, g.stderr).toBe(1);
    expect(g.stdout).toMatch(/regression/);
    for (const task of ['default', 'macro']) {
      const c = g.find('prod', task, 'rse-proxy');
      expect(c.outcome).toBe('regression');
      expect(c.method).toBe('paired-bootstrap-prompts');
      // Per prompt: 5 vs 5 on even prompts, 1 vs 5 on odd ones, so Δ = (30·0 + 30·(−4)) / 60 = −2.
      expect(c.baseline.mean).toBe(5);
      expect(c.candidate.mean).toBe(3);
      expect(c.diff).toBe(-2);
      // A resample's Δ is −4·k/60 with k ~ Binomial(60, 1/2) degraded prompts drawn; its 2.5% and
      // 97.5% quantiles are k ≈ 22.4 and 37.6, so the CI is about [−2.51, −1.49].
      expect(c.ci.lo).toBeGreaterThan(-2.75);
      expect(c.ci.lo).toBeLessThan(-2.3);
      expect(c.ci.hi).toBeGreaterThan(-1.7);
      expect(c.ci.hi).toBeLessThan(-1.25);
      expect(c.bootstrap).toMatchObject({ shared: 60, onlyCandidate: 0, onlyBaseline: 0, resamples: 2000 });
    }
    // Accuracy (gold = the teacher's answer) drops from 1 to 1/2: also a regression.
    expect(g.find('prod', 'default', 'accuracy')).toMatchObject({ outcome: 'regression', diff: -0.5 });
    // The teacher against itself is unchanged: Δ = 0 on every prompt, CI exactly [0, 0].
    expect(g.find('teacher', 'default', 'rse-proxy')).toMatchObject({
      outcome: 'pass',
      ci: { lo: 0, hi: 0 },
    });
    // WER is corpus-level (summed errors / summed words), not a mean over prompts: no units, no CI.
    const wer = g.find('prod', 'default', 'wer');
    expect(wer.outcome).toBe('inconclusive');
    expect(wer.reason).toContain('corpus-level');
    expect(g.md).toContain('paired-bootstrap-prompts, 60 prompts');
    expect(readFileSync(join(dir, 'gate-bad', 'gate.junit.xml'), 'utf8')).toContain(
      '(paired-bootstrap-prompts)',
    );
  }, 120_000);

  it('a score run against itself exits 0: every paired CI is exactly [0, 0]', () => {
    const g = gate(good, good, join(dir, 'gate-self'));
    expect(g.code, g.stderr).toBe(0);
    expect(g.stdout).toContain('no regressions');
    const boot = g.json.comparisons.filter((c) => c.method === 'paired-bootstrap-prompts');
    expect(boot.map((c) => c.metric).sort()).toEqual(
      expect.arrayContaining(['accuracy', 'rse-bleu', 'rse-chrf', 'rse-proxy', 'rse-rougeL']),
    );
    for (const c of boot) expect([c.outcome, c.ci.lo, c.ci.hi]).toEqual(['pass', 0, 0]);
  }, 120_000);

  it('a committed baseline.json carries the units: the same verdict and CI as the run directory', () => {
    const file = join(dir, 'baseline-good.json');
    const saved = cli(['baseline', 'save', good, '--out', file]);
    expect(saved.code, saved.stderr).toBe(0);
    const fromFile = gate(bad, file, join(dir, 'gate-bad-file'));
    const fromDir = gate(bad, good, join(dir, 'gate-bad-dir'));
    expect(fromFile.code, fromFile.stderr).toBe(1);
    const a = fromFile.find('prod', 'macro', 'rse-proxy');
    const b = fromDir.find('prod', 'macro', 'rse-proxy');
    expect(a.method).toBe('paired-bootstrap-prompts');
    expect([a.outcome, a.diff, a.ci]).toEqual([b.outcome, b.diff, b.ci]);
    // Saving is deterministic: the same run gives the same bytes.
    const again = join(dir, 'baseline-good-2.json');
    cli(['baseline', 'save', good, '--out', again]);
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(file, 'utf8'));
  }, 120_000);

  it('runs scored on different prompt ids stay inconclusive and say why', () => {
    const g = gate(renamed, good, join(dir, 'gate-renamed'));
    expect(g.code, g.stderr).toBe(0);
    const c = g.find('prod', 'default', 'rse-proxy');
    expect(c.outcome).toBe('inconclusive');
    expect(c.method).toBe('none');
    expect(c.reason).toContain("too few prompt ids shared by both sides to pair ('default' 5;");
  }, 120_000);
});
