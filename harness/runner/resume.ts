import { existsSync, lstatSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { OutputPathError, SuiteMismatchError } from '../core/errors.ts';
import { LOCK_FILE } from '../core/lock.ts';
import { readJsonlFile, readManifest } from '../core/run-dir-read.ts';
import { isValidJobKey, ResultRowSchema } from '../core/run-dir-schema.ts';
import { JSONL_FILES } from './results.ts';
import { UNITS_FILE } from './run-dir.ts';

/** What identifies "this run": a dir is resumed only when all of these match its manifest. */
export interface RunIdentity {
  suite: { name: string; hash: string };
  harnessVersion: string;
  /** Checked once the backend is loaded (job keys include it). */
  backend?: string;
}

/** Files a run (and its reports) writes into --out: the only ones --fresh removes. */
const RUN_FILES = [
  'manifest.json',
  ...JSONL_FILES,
  UNITS_FILE,
  'results.csv',
  'examples.csv',
  'report.html',
  'summary.md',
];

const isEmptyDir = (dir: string) =>
  !existsSync(dir) || readdirSync(dir).filter((f) => f !== LOCK_FILE).length === 0;

/**
 * Refuses to resume into a dir that holds something other than an earlier run of this suite:
 * another suite or an edited one (its jobs would be mixed into this run's tables), another backend
 * or harness version (job keys change, so old and new results would both be counted), files but
 * no manifest, or results with no jobs/ (resuming rebuilds the JSONL from jobs/ and would wipe them).
 */
export function checkResumable(dir: string, id: RunIdentity): void {
  if (isEmptyDir(dir)) return;
  const again = 'pass a new --out or --fresh';
  if (!existsSync(join(dir, 'manifest.json')))
    throw new SuiteMismatchError(
      `--out ${dir} is not empty and holds no run (no manifest.json); ${again} (--fresh removes only run files).`,
      dir,
    );
  const m = readManifest(dir);
  if (m.suite.hash !== id.suite.hash)
    throw new SuiteMismatchError(
      `--out ${dir} holds a run of suite '${m.suite.name}' (hash ${m.suite.hash}); this is suite '${id.suite.name}' (hash ${id.suite.hash}); ${again}.`,
      dir,
    );
  for (const [what, had, now] of [
    ['backend', m.backend, id.backend],
    ['harness version', m.harnessVersion, id.harnessVersion],
  ] as const)
    if (now !== undefined && had !== now)
      throw new SuiteMismatchError(
        `--out ${dir} holds a run of suite '${m.suite.name}' on ${what} '${had}'; this run is on '${now}'; ${again}.`,
        dir,
      );
  if (!existsSync(join(dir, 'jobs')) && readJsonlFile(join(dir, 'results.jsonl'), ResultRowSchema).length > 0)
    throw new SuiteMismatchError(
      `--out ${dir} holds results but no jobs/ folder (per-job files), so resuming would discard them; ${again}.`,
      dir,
    );
}

/** --fresh: removes this run's files from --out (and nothing else: unknown files stay). */
export function removeRunFiles(dir: string): void {
  if (!existsSync(dir)) return;
  const remove = (file: string) => {
    try {
      rmSync(file, { force: true });
    } catch (err) {
      throw new OutputPathError(
        `--fresh: cannot remove ${file} (${(err as NodeJS.ErrnoException).code}). Fix: remove it yourself or pass a new --out.`,
        file,
      );
    }
  };
  for (const f of RUN_FILES) remove(join(dir, f));
  const jd = join(dir, 'jobs');
  if (existsSync(jd) && lstatSync(jd).isDirectory()) {
    for (const f of readdirSync(jd))
      if (f.endsWith('.json') && isValidJobKey(f.slice(0, -5))) remove(join(jd, f));
    if (readdirSync(jd).length === 0) rmdirSync(jd);
  }
}
