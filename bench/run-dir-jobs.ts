import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Job, planSuite } from '../harness/runner/plan.ts';
import { loadSuite } from '../harness/runner/suite-load.ts';

export interface MeasuredJob {
  job: Job;
  /** The runner's wall time for the job (manifest.json), what the schedule is made of. */
  ms: number;
  cachedTeacher: boolean;
}

export interface MeasuredRun {
  suite: string;
  wallMs: number;
  workers: number;
  jobs: MeasuredJob[];
  startedAt: string;
  backend: string;
}

/**
 * A finished run directory's jobs, re-planned from the suite (by name, in this checkout) and matched
 * to the manifest by label, with each job's measured wall time and whether its teacher was a cache hit.
 */
export async function readMeasuredRun(dir: string, workers: number): Promise<MeasuredRun> {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  const loaded = await loadSuite(manifest.suite.name);
  loaded.suite.seeds = manifest.seeds;
  const plan = planSuite(loaded, manifest.backend);
  const byLabel = new Map<string, Job>([...plan.teachers, ...plan.students].map((j) => [j.label, j]));
  const records = new Map<string, { cost?: { cacheHit?: boolean } }>();
  for (const line of readFileSync(join(dir, 'jobs.jsonl'), 'utf8').split('\n').filter(Boolean)) {
    const r = JSON.parse(line);
    records.set(r.jobKey, r);
  }
  const jobs: MeasuredJob[] = [];
  for (const m of manifest.jobs as { key: string; label: string; status: string; wallTimeMs: number }[]) {
    const job = byLabel.get(m.label);
    if (!job || m.status !== 'ok')
      throw new Error(`${dir}: job '${m.label}' is not in suite '${manifest.suite.name}' or did not finish`);
    jobs.push({ job, ms: m.wallTimeMs, cachedTeacher: records.get(m.key)?.cost?.cacheHit === true });
  }
  return {
    suite: manifest.suite.name,
    wallMs: Date.parse(manifest.endedAt) - Date.parse(manifest.startedAt),
    workers,
    jobs,
    startedAt: manifest.startedAt,
    backend: manifest.backend,
  };
}
