/**
 * Regenerates fixtures/runs/mini (the synthetic run the report tests and the summary.md snapshot
 * use): `node bin/run-ts.mjs reports/testing/write-mini-fixture.ts`. Output is deterministic.
 */
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { syntheticRun, writeRunDir } from './synthetic-run.ts';

export const MINI_FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'runs', 'mini');

if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) {
  rmSync(MINI_FIXTURE, { recursive: true, force: true });
  writeRunDir(MINI_FIXTURE, syntheticRun({ suite: 'fixture-mini' }));
  console.log(`${MINI_FIXTURE}: written`);
}
