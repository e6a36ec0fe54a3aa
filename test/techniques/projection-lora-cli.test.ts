import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, read, tmp } from '../helpers/cli.ts';

const SUITE = join(import.meta.dirname, '..', '..', 'fixtures', 'suites', 'projection-micro.yaml');
const BASE = readFileSync(SUITE, 'utf8');
const dir = tmp('db-plora-cli-');

/** The fixture with its technique line replaced, written to a temp file. */
function variant(name: string, technique: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, BASE.replace('  - projection-lora: { rank: 2 }', `  - ${technique}`));
  return file;
}
const run = (file: string, out: string) =>
  cli([
    'run',
    file,
    '--out',
    join(dir, out),
    '--cache-dir',
    join(dir, 'cache'),
    '--quiet',
    '--no-report',
    '--workers',
    '0',
  ]);

describe('projection-lora through the CLI', () => {
  it('runs the micro suite and reports the trainable share', () => {
    const r = run(SUITE, 'ok');
    expect(r.code, r.stderr).toBe(0);
    const job = read(join(dir, 'ok', 'jobs.jsonl'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .find((j) => j.kind === 'student');
    // nano student: 1 layer, d 32, dFF 128, r 2: 4·2·64 + 2·2·160 = 1152 LoRA; head 32 -> 2·48 = 96.
    expect(job.cost.extra.loraParameters).toBe(1152);
    expect(job.cost.trainableParameters).toBe(1152 + 32 * 96);
  });

  it('exits 2 on a bad option value, naming the option and its range', () => {
    const r = cli(['validate', variant('rank0', 'projection-lora: { rank: 0 }')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/technique 'projection-lora', option 'rank' = 0: .*Allowed: 1-1024/);
    const t = run(variant('badalign', "projection-lora: { align: 'token' }"), 'badalign');
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/option 'align' = "token".*Allowed: point, layer/);
  });

  // Checks that need the model sizes (rank vs dModel, D vs hidden sizes) run at suite load through the
  // technique's checkModels hook, so the mistake exits 2 before anything trains.
  it('exits 2 naming projectionDim and the fix when D is narrower than a hidden state', () => {
    const r = run(variant('narrow', 'projection-lora: { projectionDim: 40 }'), 'narrow');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /techniques\[\d+\]\.options: .*option 'projectionDim' = 40 is smaller .*Fix: set projectionDim to at least 48/,
    );
  });

  it('exits 2 when the LoRA rank exceeds the student width', () => {
    const r = run(variant('rank', 'projection-lora: { rank: 64 }'), 'rank');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/option 'rank' = 64 .*Fix: set rank to at most 32/);
  });
});
