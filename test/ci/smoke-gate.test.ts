import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, read, tmp } from '../helpers/cli.ts';

const BASELINE = join(import.meta.dirname, '..', '..', 'fixtures', 'baselines', 'smoke.json');

/**
 * Dogfooding: the project's own CI runs the `smoke` suite and gates it against the committed
 * baseline (fixtures/baselines/smoke.json, saved from a real smoke run with `distill-bench baseline
 * save`). A change that degrades any technique on any metric beyond its tolerance fails here.
 */
describe('smoke suite gated against the committed baseline', () => {
  it('runs, writes reports and passes the gate', () => {
    const dir = tmp('db-smoke-');
    const out = join(dir, 'run');
    const run = cli(['run', 'smoke', '--out', out, '--cache-dir', join(dir, 'cache'), '--quiet']);
    expect(run.code, run.stderr).toBe(0);
    for (const f of ['report.html', 'summary.md', 'results.csv']) expect(read(join(out, f)).length).toBeGreaterThan(100);
    const gate = cli(['gate', out, '--baseline', BASELINE, '--out', join(dir, 'gate')]);
    // Print the verdict so a CI log shows what was compared.
    console.log(read(join(dir, 'gate', 'gate.md')).split('\n').slice(0, 3).join('\n'));
    expect(gate.code, `${gate.stdout}\n${gate.stderr}`).toBe(0);
  }, 600_000);
});
