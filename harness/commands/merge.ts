import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';
import { readJobOutputs, rebuildJsonl, saveJobOutput } from '../runner/results.ts';
import { type Manifest, writeManifest } from '../runner/run-dir.ts';

/**
 * Joins shard run dirs: the union of their per-job files, JSONL rebuilt in key order, so the merged
 * results equal an unsharded run's whatever order the shards are given in.
 */
export function mergeRunDirs(dirs: string[], out: string): void {
  const manifests = dirs.map((d) => {
    try {
      return JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8')) as Manifest;
    } catch {
      throw new UsageError(
        `${d}: not a run directory (no readable manifest.json). Fix: pass run dirs written by \`distill-bench run\`.`,
        { file: d },
      );
    }
  });
  const suites = new Set(manifests.map((m) => m.suite.hash));
  if (suites.size > 1)
    throw new UsageError(
      `merge: the run dirs come from different suites (${[...new Set(manifests.map((m) => m.suite.name))].join(', ')}); merge shards of one suite only.`,
    );
  mkdirSync(out, { recursive: true });
  const seen = new Set<string>();
  for (const d of dirs) {
    for (const o of readJobOutputs(d)) {
      if (seen.has(o.record.jobKey)) continue;
      seen.add(o.record.jobKey);
      saveJobOutput(out, o);
    }
  }
  rebuildJsonl(out);
  const jobs = new Map(manifests.flatMap((m) => m.jobs).map((j) => [j.key, j]));
  const first = manifests[0];
  writeManifest(out, {
    ...first,
    jobs: [...jobs.values()].sort((a, b) => a.key.localeCompare(b.key)),
    metricSignatures: Object.assign({}, ...manifests.map((m) => m.metricSignatures)),
    startedAt: manifests.map((m) => m.startedAt).sort()[0],
    endedAt: manifests
      .map((m) => m.endedAt ?? '')
      .sort()
      .at(-1),
    warnings: [...new Set(manifests.flatMap((m) => m.warnings))],
  });
}

export function registerMerge(program: Command): void {
  program
    .command('merge <runDirs...>')
    .description('join shard run directories into one')
    .requiredOption('--out <dir>', 'merged run directory')
    .option('--no-report', 'skip writing reports')
    .action(async (dirs: string[], o: { out: string; report: boolean }) => {
      mergeRunDirs(dirs, o.out);
      if (o.report) (await import('../../reports/index.ts')).writeReports(o.out);
      console.log(`${o.out}: merged ${dirs.length} run dir(s)`);
    });
}
