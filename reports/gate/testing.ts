/**
 * Test helpers for the gate: series and small run directories written exactly as the runner writes
 * them (harness/runner/run-dir.ts: manifest.json + results.jsonl rows with per-seed values).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  appendLines,
  type Manifest,
  type ResultRow,
  SCHEMA_VERSION,
  writeManifest,
} from '../../harness/runner/run-dir.ts';
import type { MetricInfo } from '../../metrics/types.ts';
import type { MetricLookup } from './config.ts';
import type { GateSide, Series } from './types.ts';

export const KEY = {
  technique: 'soft-label',
  student: 'nano',
  task: 'arith',
  split: 'test',
  metric: 'accuracy',
};

/** A series with values for seeds 1, 2, 3, … unless `seeds` says otherwise; one signature for all seeds. */
export function series(
  values: number[],
  over: Partial<Omit<Series, 'signatures'>> & { seeds?: number[]; signature?: string } = {},
): Series {
  const { seeds = values.map((_, i) => i + 1), signature = 'accuracy|exact|v1', ...rest } = over;
  return {
    ...KEY,
    direction: 'higher',
    signatures: Object.fromEntries(seeds.map((s) => [String(s), signature])),
    values: Object.fromEntries(seeds.map((s, i) => [String(s), values[i]])),
    dropped: [],
    ...rest,
  };
}

export function side(series: Series[], env: GateSide['env'] = manifest()): GateSide {
  return { source: 'mem', kind: 'run-dir', env, series };
}

export const REGISTRY: MetricInfo[] = [
  {
    id: 'accuracy',
    family: 'accuracy',
    direction: 'higher',
    description: 'exact match',
    signature: 'accuracy|exact|v1',
    tolerance: 0.02,
  },
  {
    id: 'wer',
    family: 'wer',
    direction: 'lower',
    description: 'word error rate',
    signature: 'wer|v1',
    tolerance: 0.01,
  },
];

export const lookup: MetricLookup = (id) => REGISTRY.find((m) => m.id === id);
export const registryOptions = { lookup, registeredMetrics: REGISTRY.map((m) => m.id) };

export function manifest(over: Partial<Manifest> = {}): Manifest {
  return {
    schemaVersion: SCHEMA_VERSION,
    harnessVersion: '0.1.0',
    gitSha: 'abc123',
    suite: { name: 'smoke', hash: 'h1' },
    backend: 'tfjs-node',
    environment: { node: 'v20.11.1', cpu: 'Test CPU @ 3GHz', gpu: null, tfjs: '4.22.0', tfjsNode: '4.22.0' },
    seeds: [1, 2, 3],
    metricSignatures: { accuracy: 'accuracy|exact|v1' },
    startedAt: '2025-01-01T00:00:00.000Z',
    endedAt: '2025-01-01T00:10:00.000Z',
    jobs: [],
    warnings: [],
    ...over,
  };
}

export interface RowSpec {
  technique: string;
  metric: string;
  values: number[];
  task?: string;
  student?: string;
  split?: string;
  signature?: string;
  direction?: 'higher' | 'lower';
}

/** Writes a run directory with one results row per (spec, seed); seeds 1..n. Returns its path. */
export function writeRunDir(
  parent: string,
  name: string,
  specs: RowSpec[],
  over: Partial<Manifest> = {},
): string {
  const dir = join(parent, name);
  writeManifest(dir, manifest(over));
  const rows: ResultRow[] = specs.flatMap((s) =>
    s.values.map((value, i) => ({
      schemaVersion: SCHEMA_VERSION,
      jobKey: `${s.technique}-${i + 1}`,
      task: s.task ?? 'arith',
      technique: s.technique,
      student: s.student ?? 'nano',
      seed: i + 1,
      split: s.split ?? 'test',
      metric: s.metric,
      value,
      signature: s.signature ?? `${s.metric}|exact|v1`,
      direction: s.direction ?? 'higher',
    })),
  );
  appendLines(join(dir, 'results.jsonl'), rows);
  return dir;
}

const made: string[] = [];

/** A fresh temp folder; call `removeTempDirs` in afterAll. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'distill-bench-gate-'));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}
