import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CLI = join(import.meta.dirname, '..', '..', 'bin', 'distill-bench.mjs');

export function tmp(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * `run <suite> --out <dir>/run --cache-dir <dir>/cache --quiet --workers 0`: the end-to-end form the
 * suite tests share (in one process, so a seconds-long suite stays seconds-long).
 */
export function runSuite(file: string, dir: string) {
  const out = join(dir, 'run');
  const r = cli(['run', file, '--out', out, '--cache-dir', join(dir, 'cache'), '--quiet', '--workers', '0']);
  return { ...r, out };
}

/** The rows of a .jsonl file of a run directory. */
export function readJsonl<T = any>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as T);
}

/**
 * The CLI without blocking the test process, so several CLI runs (or a mock server the CLI talks to
 * in this process) can proceed at once. `out` is stdout followed by stderr.
 */
export function cliConcurrent(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string; out: string }> {
  return new Promise((ok) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => ok({ code, stdout, stderr, out: stdout + stderr }));
  });
}

/** Starts the CLI in its own process group so a test can SIGKILL it together with its workers. */
export function cliAsync(args: string[]) {
  return spawn(process.execPath, [CLI, ...args], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
}

export const read = (path: string) => readFileSync(path, 'utf8');
