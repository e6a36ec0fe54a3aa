import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

/** The harness version recorded in manifests and mixed into every cache key. */
export const HARNESS_VERSION: string = (
  createRequire(import.meta.url)('../package.json') as { version: string }
).version;

/**
 * The commit of the harness that computed the numbers, for manifests. Asked in the harness's own
 * folder, not the working directory: a user running from their own repository would otherwise
 * record that repository's commit. null outside a git checkout (e.g. an npm install).
 */
export function harnessGitSha(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: import.meta.dirname,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString()
      .trim();
  } catch {
    return null;
  }
}
