import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BackendName } from '../engine/backend.ts';
import { chooseWorkers, machineFacts } from './worker-count.ts';

const facts = (backend: BackendName, cores: number, gpus: number, memoryGiB: number) =>
  chooseWorkers({ backend, cores, gpus, memoryGiB });

describe('chooseWorkers', () => {
  it('on a CPU backend: one per core', () => {
    expect(facts('wasm', 2, 0, 23.5)).toEqual({
      workers: 2,
      reason: 'one per CPU core (2) on wasm: each worker runs a single-threaded backend',
    });
    expect(facts('tensorflow', 16, 0, 128).workers).toBe(16);
    expect(facts('cpu', 0, 0, 4).workers).toBe(1); // a machine reporting no cores still gets one
  });

  it('on a GPU backend: 4 per GPU, saying why', () => {
    const one = facts('tensorflow-gpu', 16, 1, 128);
    expect(one.workers).toBe(4);
    expect(one.reason).toBe(
      '4 per GPU x 1 GPU on tensorflow-gpu: small models are op-launch-bound, so several processes overlap their kernel launches on one GPU',
    );
    expect(facts('tensorflow-gpu', 16, 2, 128).workers).toBe(8);
    expect(facts('tensorflow-gpu', 16, 0, 128).workers).toBe(4); // count unknown: the one it loaded on
    expect(facts('webgpu', 16, 1, 128).workers).toBe(4);
  });

  it('caps the GPU count at the cores, and either at host memory (1 GiB a worker)', () => {
    const many = facts('tensorflow-gpu', 16, 8, 1024); // 32 wanted
    expect(many.workers).toBe(16);
    expect(many.reason).toMatch(/; capped at the 16 CPU cores \(each worker launches ops from one\)$/);
    expect(facts('webgpu', 2, 1, 64).workers).toBe(2);
    const small = facts('tensorflow-gpu', 16, 2, 6.5); // 8 wanted, floor(6.5 / 1) = 6
    expect(small.workers).toBe(6);
    expect(small.reason).toMatch(/; capped at 6 by memory \(6\.5 GiB, 1 GiB per worker\)$/);
    expect(facts('wasm', 8, 0, 3.9).workers).toBe(3);
    expect(facts('wasm', 8, 0, 0.5).workers).toBe(1);
  });
});

const bin = join(import.meta.dirname, '..', '..', 'bin', 'distill-bench.mjs');

describe('the CLI', () => {
  it('doctor says how many workers run would use and why', () => {
    const r = spawnSync(process.execPath, [bin, 'doctor', '--json'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.workers).toEqual(chooseWorkers(machineFacts(info.backend.name)));
    const text = spawnSync(process.execPath, [bin, 'doctor'], { encoding: 'utf8' }).stdout;
    expect(text).toContain(
      `workers: ${info.workers.workers} by default for \`run\` (${info.workers.reason}; `,
    );
  });

  it('run without --workers plans the count chooseWorkers gives for the backend it loaded (at most the jobs)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'db-workers-'));
    const suite = join(import.meta.dirname, '..', '..', 'fixtures', 'suites', 'micro.yaml');
    const r = spawnSync(
      process.execPath,
      [bin, 'run', suite, '--out', join(dir, 'run'), '--cache-dir', join(dir, 'c'), '--dry-run', '--json'],
      { encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    const { plan } = JSON.parse(r.stdout);
    expect(plan.workers).toBe(Math.min(chooseWorkers(machineFacts(plan.backend)).workers, plan.jobs.length));
  });
});
