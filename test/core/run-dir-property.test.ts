import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MINI } from '../../reports/testing/tmp-run.ts';
import '../setup/fast-check.ts';
import { cliConcurrent, tmp } from '../helpers/cli.ts';

/**
 * Property test (issue 15): a damaged run directory (fields deleted or retyped, lines truncated,
 * duplicated or replaced by garbage, in the manifest or any .jsonl) read by report, gate (as run and as
 * baseline), leaderboard and merge: exit 0 or 2, never a stack trace, never a changed byte in an input
 * file, nothing written outside the run dir (report's own output) or the given --out.
 */

const FILES = ['manifest.json', 'results.jsonl', 'jobs.jsonl', 'examples.jsonl'] as const;

const junk = fc.oneof(
  fc.constant(null),
  fc.integer({ min: -1e9, max: 1e9 }),
  fc.double(),
  fc.boolean(),
  fc.string({ maxLength: 12 }),
  fc.constant('=cmd|calc!A0'),
  fc.constant('../../escaped'),
  fc.constant([]),
  fc.constant({ __proto__: null, constructor: 1 }),
);

type Damage =
  | { kind: 'field'; file: number; line: number; field: number; value: unknown }
  | { kind: 'delete'; file: number; line: number; field: number }
  | { kind: 'truncate'; file: number; at: number }
  | { kind: 'duplicate'; file: number; line: number }
  | { kind: 'garbage'; file: number; text: string };

const idx = fc.nat({ max: 1000 });
const damage: fc.Arbitrary<Damage> = fc.oneof(
  fc.record({ kind: fc.constant('field' as const), file: idx, line: idx, field: idx, value: junk }),
  fc.record({ kind: fc.constant('delete' as const), file: idx, line: idx, field: idx }),
  fc.record({ kind: fc.constant('truncate' as const), file: idx, at: idx }),
  fc.record({ kind: fc.constant('duplicate' as const), file: idx, line: idx }),
  fc.record({ kind: fc.constant('garbage' as const), file: idx, text: fc.string({ maxLength: 30 }) }),
);

/** Applies one damage to a copy of fixtures/runs/mini in `dir`. */
function apply(dir: string, d: Damage): void {
  const name = FILES[d.file % FILES.length];
  const path = join(dir, name);
  const text = readFileSync(path, 'utf8');
  if (d.kind === 'truncate' || d.kind === 'garbage') {
    const damaged =
      d.kind === 'truncate' ? text.slice(0, d.at % Math.max(1, text.length)) : `${text}${d.text}`;
    writeFileSync(path, damaged);
    return;
  }
  const json = name.endsWith('.json');
  const lines = json ? [text] : text.split('\n').filter(Boolean);
  const i = d.line % lines.length;
  if (d.kind === 'duplicate') lines.splice(i, 0, lines[i]);
  else {
    const row = JSON.parse(lines[i]);
    const keys = Object.keys(row);
    const key = keys[d.field % keys.length];
    if (d.kind === 'delete') delete row[key];
    else row[key] = d.value;
    lines[i] = JSON.stringify(row);
  }
  writeFileSync(path, json ? lines[0] : `${lines.join('\n')}\n`);
}

/** Every file under `dir`, relative to it. */
function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

describe('run-dir property test (fast-check, fixed seed)', () => {
  it('report, gate, leaderboard and merge on a damaged run dir: exit 0 or 2, no stack, inputs unchanged, no stray writes', async () => {
    const cases = fc.sample(fc.array(damage, { minLength: 1, maxLength: 3 }), { numRuns: 5, seed: 20261203 });
    const root = tmp('rundir-prop-');
    const inputs = new Map<string, string>();
    const runs = cases.flatMap((ds, k) => {
      const run = join(root, `case${k}`, 'run');
      cpSync(MINI, run, { recursive: true });
      for (const d of ds) apply(run, d);
      for (const f of FILES) inputs.set(join(run, f), readFileSync(join(run, f), 'utf8'));
      const out = (name: string) => join(root, `case${k}`, name);
      return [
        cliConcurrent(['report', run]),
        cliConcurrent(['gate', run, '--baseline', MINI, '--out', out('gate-a')]),
        cliConcurrent(['gate', MINI, '--baseline', run, '--out', out('gate-b')]),
        cliConcurrent(['leaderboard', run, '--out', out('board')]),
        cliConcurrent(['merge', run, '--out', out('merged'), '--no-report']),
      ];
    });
    const before = listFiles(MINI);
    const results = await Promise.all(runs);
    // The draws must reach the readers' refusals, or the property says nothing: some report refuses.
    expect(results.filter((_, i) => i % 5 === 0).some((r) => r.code === 2)).toBe(true);
    for (const r of results) {
      // gate exits 1 on a regression, a legitimate verdict on damaged numbers.
      expect([0, 1, 2], r.stderr).toContain(r.code);
      expect(r.stderr).not.toMatch(/\n\s+at |TypeError|SyntaxError|RangeError/);
    }
    for (const [path, text] of inputs) expect(readFileSync(path, 'utf8'), path).toBe(text);
    expect(listFiles(MINI)).toEqual(before);
    const allowed = /^case\d+\/(run|gate-a|gate-b|board|merged)\//;
    for (const f of listFiles(root)) expect(f).toMatch(allowed);
  }, 120_000);
});
