import { existsSync, readdirSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { RunDirError } from '../core/errors.ts';
import { acquireRunDirLock, liveLockHolder } from '../core/lock.ts';
import { prepareOutDir } from '../core/out-path.ts';
import { readJobOutputsChecked, readJsonlFile, readManifest } from '../core/run-dir-read.ts';
import { ResultRowSchema } from '../core/run-dir-schema.ts';
import { UsageError } from '../errors.ts';
import { type JobOutput, rebuildJsonl, saveJobOutput } from '../runner/results.ts';
import { type Manifest, writeManifest } from '../runner/run-dir.ts';

interface Shard {
  dir: string;
  manifest: Manifest;
  outputs: JobOutput[];
}

const FIX = 'Fix: pass run dirs written by `distill-bench run` (their jobs/ folder included).';

/**
 * Reads and checks one input completely. What merge trusts: per-job files whose name is their job
 * key, whose rows all belong to that job, and whose key the dir's own manifest lists; a manifest
 * that calls a job finished must have its per-job file. Nothing else of the input is copied.
 */
function readShard(dir: string): Shard {
  const manifest = readManifest(dir);
  const holder = liveLockHolder(dir);
  if (holder)
    throw new UsageError(
      `${dir}: is still being written by pid ${holder.pid} on ${holder.host}. Fix: wait for that run to finish, then merge.`,
      { file: dir },
    );
  const outputs = readJobOutputsChecked(dir);
  const listed = new Set(manifest.jobs.map((j) => j.key));
  const have = new Set(outputs.map((o) => o.record.jobKey));
  if (!existsSync(join(dir, 'jobs'))) {
    const rows = readJsonlFile(join(dir, 'results.jsonl'), ResultRowSchema);
    if (rows.length > 0 || manifest.jobs.some((j) => j.status === 'ok' || j.status === 'cached'))
      throw new RunDirError(
        'not-a-run-dir',
        `${dir}: has no jobs/ folder (the per-job files merge joins), although its manifest or results.jsonl lists finished jobs. ${FIX}`,
        { file: dir },
      );
  }
  for (const key of have)
    if (!listed.has(key))
      throw new RunDirError(
        'bad-job-key',
        `${join(dir, 'jobs', `${key}.json`)}: job '${key}' is not in ${join(dir, 'manifest.json')}. ${FIX}`,
        { file: join(dir, 'jobs', `${key}.json`) },
      );
  for (const j of manifest.jobs)
    if ((j.status === 'ok' || j.status === 'cached') && !have.has(j.key))
      throw new RunDirError(
        'not-a-run-dir',
        `${join(dir, 'manifest.json')}: job '${j.key}' is ${j.status} but ${join(dir, 'jobs', `${j.key}.json`)} is missing. ${FIX}`,
        { file: join(dir, 'manifest.json'), field: 'jobs' },
      );
  return { dir, manifest, outputs };
}

const RANK: Record<string, number> = { ok: 3, cached: 2, failed: 1, pending: 0 };

function checkOut(dirs: string[], out: string): void {
  const o = resolve(out);
  for (const d of dirs) {
    const rel = relative(resolve(d), o);
    if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel)))
      throw new UsageError(`--out ${out}: is inside input ${d}. Fix: pass a new --out outside the inputs.`, {
        field: '--out',
      });
  }
  if (existsSync(o) && readdirSync(o).length > 0)
    throw new UsageError(`--out ${out}: is not empty. Fix: pass a new or empty --out for the merged run.`, {
      field: '--out',
      file: out,
    });
}

/**
 * Joins shard run dirs: the union of their per-job files, JSONL rebuilt in key order, so the merged
 * results equal an unsharded run's whatever order the shards are given in. Every input is read
 * and checked before anything is written.
 */
export function mergeRunDirs(dirs: string[], out: string): void {
  if (dirs.length === 0) throw new UsageError('merge: no run directories given. Fix: pass shard run dirs.');
  checkOut(dirs, out);
  const shards = dirs.map(readShard);
  const manifests = shards.map((s) => s.manifest);
  const suites = new Set(manifests.map((m) => m.suite.hash));
  if (suites.size > 1)
    throw new UsageError(
      `merge: the run dirs come from different suites (${[...new Set(manifests.map((m) => `'${m.suite.name}' (hash ${m.suite.hash})`))].join(', ')}); merge shards of one suite only.`,
    );
  // Each shard picks its jobs from the checkout's cost estimates (harness/runner/shard.ts), so shards of
  // different checkouts can skip or repeat jobs without any job conflicting: refuse them.
  const checkouts = new Set(manifests.map((m) => `${m.harnessVersion} ${m.gitSha ?? 'unknown commit'}`));
  if (checkouts.size > 1)
    throw new UsageError(
      `merge: the shards ran different checkouts (${[...checkouts].join('; ')}), so their job splits may not add up. Fix: rerun every shard from one checkout.`,
    );
  const byKey = new Map<string, { output: JobOutput; dir: string }>();
  for (const s of shards) {
    for (const o of s.outputs) {
      const prev = byKey.get(o.record.jobKey);
      if (!prev) {
        byKey.set(o.record.jobKey, { output: o, dir: s.dir });
        continue;
      }
      const rows = (x: JobOutput) => JSON.stringify([x.results, x.examples]);
      if (rows(prev.output) !== rows(o))
        throw new RunDirError(
          'conflicting-rows',
          `merge: job '${o.record.jobKey}' has different results in ${prev.dir} and ${s.dir}. Fix: merge shards of one run; rerun one of them.`,
          { file: join(s.dir, 'jobs', `${o.record.jobKey}.json`) },
        );
    }
  }
  const jobs = new Map<string, Manifest['jobs'][number]>();
  for (const j of manifests.flatMap((m) => m.jobs)) {
    const prev = jobs.get(j.key);
    if (!prev || (RANK[j.status] ?? 0) > (RANK[prev.status] ?? 0)) jobs.set(j.key, j);
  }
  prepareOutDir(out);
  const lock = acquireRunDirLock(out, 'merge');
  try {
    for (const { output } of byKey.values()) saveJobOutput(out, output);
    rebuildJsonl(out); // read back in file order, as `run` does, so merged bytes equal an unsharded run's
    const first = manifests[0];
    writeManifest(out, {
      ...first,
      jobs: [...jobs.values()].sort((a, b) => a.key.localeCompare(b.key)),
      metricSignatures: Object.assign(Object.create(null), ...manifests.map((m) => m.metricSignatures)),
      startedAt: manifests.map((m) => m.startedAt).sort()[0],
      endedAt: manifests
        .map((m) => m.endedAt ?? '')
        .sort()
        .at(-1),
      warnings: [...new Set(manifests.flatMap((m) => m.warnings))],
    });
  } finally {
    lock.release();
  }
}

export function registerMerge(program: Command): void {
  program
    .command('merge <runDirs...>')
    .description('join shard run directories into one')
    .requiredOption('--out <dir>', 'merged run directory (new or empty)')
    .option('--no-report', 'skip writing reports')
    .action(async (dirs: string[], o: { out: string; report: boolean }) => {
      mergeRunDirs(dirs, o.out);
      if (o.report) (await import('../../reports/index.ts')).writeReports(o.out);
      console.log(`${o.out}: merged ${dirs.length} run dir(s)`);
    });
}
