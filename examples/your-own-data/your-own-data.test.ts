import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRunDir } from '../../harness/runner/run-dir.ts';
import { aggregate } from '../../reports/aggregate.ts';
import { cli, readJsonl, runSuite, tmp } from '../../test/helpers/cli.ts';

/** The README's "Your own data" walkthrough, run exactly as shown (examples/your-own-data/suite.yaml). */
const SUITE = join(import.meta.dirname, 'suite.yaml');
const TECHNIQUES = ['none', 'hard-label', 'multi-teacher', 'purify:similarity-router'];

/** prompt -> recorded response of one file, read here without the harness. */
function recorded(name: string): Map<string, string> {
  const rows = readJsonl<{ prompt: string; response: string }>(join(import.meta.dirname, name));
  return new Map(rows.map((r) => [r.prompt, r.response]));
}

describe('your own data: gold pairs plus two recorded LLM teachers', () => {
  const dir = tmp('db-own-data-');
  const run = runSuite(SUITE, dir);

  it('runs, with one teacher row per recorded teacher scored from its file', () => {
    expect(run.code, run.stderr).toBe(0);
    const rows = readJsonl(join(run.out, 'results.jsonl'));
    // The test prompts and their gold, as every student was scored on them.
    const test = readJsonl(join(run.out, 'examples.jsonl')).filter(
      (e) => e.split === 'test' && e.technique === 'none' && e.seed === 1,
    );
    expect(test.length).toBeGreaterThan(5);
    for (const [id, file] of [
      ['llm-a', 'llm-a.jsonl'],
      ['llm-b', 'llm-b.jsonl'],
    ]) {
      const row = rows.find((r) => r.role === 'teacher' && r.student === id && r.metric === 'accuracy');
      expect(row, id).toBeDefined();
      expect(row.technique).toBe('teacher');
      // Accuracy of the recorded answers against gold, counted here from the two files.
      const answers = recorded(file);
      const right = test.filter((e) => answers.get(e.prompt) === e.reference).length;
      expect(row.value).toBeCloseTo(right / test.length, 12);
    }
    // The two files make different mistakes, so the rows differ: they really come from each file.
    const acc = (id: string) =>
      rows.find((r) => r.role === 'teacher' && r.student === id && r.metric === 'accuracy').value;
    expect(acc('llm-a')).not.toBe(acc('llm-b'));
  });

  it('every technique has a row per seed and a confidence interval over its seeds', () => {
    const model = aggregate(readRunDir(run.out));
    const table = model.tables.find((t) => t.split === 'test')!;
    for (const technique of TECHNIQUES) {
      const row = table.rows.find((r) => r.technique === technique);
      expect(row, technique).toBeDefined();
      const cell = row!.cells[table.primary!];
      expect(cell.n).toBe(2);
      expect(cell.ciLow).not.toBeNull();
      expect(cell.ciHigh).not.toBeNull();
    }
  });

  it('gives the same numbers with --workers 2 (workers read the recorded files too)', () => {
    const out = join(dir, 'workers');
    const r = cli(['run', SUITE, '--out', out, '--cache-dir', join(dir, 'cache2'), '--quiet', '--workers', '2']);
    expect(r.code, r.stderr).toBe(0);
    const key = (x: { technique: string; student: string; seed: number; split: string; metric: string }) =>
      `${x.technique}|${x.student}|${x.seed}|${x.split}|${x.metric}`;
    const values = (d: string) =>
      new Map(readJsonl(join(d, 'results.jsonl')).map((x) => [key(x), x.value as number]));
    expect(values(out)).toEqual(values(run.out));
  });

  it('the README shows this suite verbatim', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    expect(readme).toContain(readFileSync(SUITE, 'utf8').trim());
  });
});
