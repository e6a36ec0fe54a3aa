import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir, writeRunDir } from './testing.ts';

afterAll(removeTempDirs);

const ROOT = join(import.meta.dirname, '..', '..');

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'distill-bench.mjs'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// Baseline: soft-label 0.80 0.82 0.84 and none 0.50 0.52 0.54 on seeds 1–3.
// Degraded candidate: soft-label 0.60 0.63 0.63 → d = −0.20 −0.19 −0.21, mean −0.20, sd 0.01,
// half = t(0.975, 2) · 0.01/√3 = 4.3027 · 0.0057735 = 0.024841 → CI [−0.2248, −0.1752], wholly below
// −0.02 → regression. none is unchanged: d = 0 0 0 → CI [0, 0] → pass.
const BASE = [
  { technique: 'soft-label', metric: 'accuracy', values: [0.8, 0.82, 0.84] },
  { technique: 'none', metric: 'accuracy', values: [0.5, 0.52, 0.54] },
];
const DEGRADED = [
  { technique: 'soft-label', metric: 'accuracy', values: [0.6, 0.63, 0.63] },
  { technique: 'none', metric: 'accuracy', values: [0.5, 0.52, 0.54] },
];

describe('distill-bench gate (CLI)', () => {
  it('a candidate run dir with a degraded metric exits 1 and names the technique and metric', () => {
    const tmp = tempDir();
    const base = writeRunDir(tmp, 'base', BASE);
    const cand = writeRunDir(tmp, 'cand', DEGRADED);
    const out = join(tmp, 'out');
    const r = cli('gate', cand, '--baseline', base, '--tolerance', 'accuracy=0.02', '--out', out);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("REGRESSION: technique 'soft-label', metric 'accuracy'");
    expect(r.stdout).toContain('❌ 1 regression');
    expect(readFileSync(join(out, 'gate.md'), 'utf8').split('\n')[0]).toBe('❌ 1 regression');
    const json = JSON.parse(readFileSync(join(out, 'gate.json'), 'utf8'));
    expect(json.verdict.exitCode).toBe(1);
    expect(json.counts).toMatchObject({ regression: 1, pass: 1 });
    const junit = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(
      readFileSync(join(out, 'gate.junit.xml'), 'utf8'),
    );
    expect(junit.testsuites.failures).toBe('1');
  });

  it('baseline save writes a file the gate reads; the same run passes against it (exit 0)', () => {
    const tmp = tempDir();
    const base = writeRunDir(tmp, 'base', BASE);
    const file = join(tmp, 'baselines', 'main.json');
    const saved = cli('baseline', 'save', base, '--out', file);
    expect(saved.status).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8')).entries).toHaveLength(2);
    const r = cli('gate', base, '--baseline', file, '--out', join(tmp, 'out'));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('✅ no regressions');
    // And the degraded run fails against the saved file just as against the run dir.
    const cand = writeRunDir(tmp, 'cand', DEGRADED);
    expect(
      cli('gate', cand, '--baseline', file, '--tolerance', 'accuracy=0.02', '--out', join(tmp, 'out2'))
        .status,
    ).toBe(1);
  });

  it('mismatched metric signatures exit 2 naming the metric and both signatures', () => {
    const tmp = tempDir();
    const base = writeRunDir(tmp, 'base', BASE);
    const cand = writeRunDir(
      tmp,
      'cand',
      BASE.map((s) => ({ ...s, signature: 'accuracy|exact|v2' })),
    );
    const r = cli('gate', cand, '--baseline', base, '--out', join(tmp, 'out'));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      "metric 'accuracy' signature differs (baseline 'accuracy|exact|v1', candidate 'accuracy|exact|v2')",
    );
  });

  it('bad input exits 2 with a message naming it', () => {
    const tmp = tempDir();
    const cand = writeRunDir(tmp, 'cand', BASE);
    const missing = cli('gate', cand, '--baseline', join(tmp, 'nope.json'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("baseline '");
    const badTol = cli('gate', cand, '--baseline', cand, '--tolerance', 'accuracy=lots');
    expect(badTol.status).toBe(2);
    expect(badTol.stderr).toContain("--tolerance 'accuracy=lots'");
  });
});
