import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';

/** The harness's own folder (where its package.json is), wherever it is installed. */
export const HARNESS_ROOT = join(import.meta.dirname, '..');

/**
 * The harness version recorded in manifests, printed by `--version` and mixed into every cache key.
 * Read from the harness's package.json, never npm_package_version: under `npx` inside another
 * project that variable holds the host project's version.
 */
export const HARNESS_VERSION: string = (
  JSON.parse(readFileSync(join(HARNESS_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;

/** The commit `npm pack` recorded (bin/write-build-info.mjs), for an installed copy without .git. */
function packedGitSha(): string | null {
  try {
    return (
      JSON.parse(readFileSync(join(HARNESS_ROOT, 'build-info.json'), 'utf8')) as { gitSha: string | null }
    ).gitSha;
  } catch {
    return null;
  }
}

/**
 * The commit of the harness that computed the numbers, for manifests. Asked of git only when the
 * harness folder is itself the top of a checkout: installed under node_modules of a user's
 * repository, `git rev-parse` would answer with that repository's commit. An installed package
 * reports the commit recorded when it was packed, or null.
 */
export function harnessGitSha(): string | null {
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: HARNESS_ROOT, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  try {
    if (realpathSync(git('rev-parse', '--show-toplevel')) !== realpathSync(HARNESS_ROOT))
      return packedGitSha();
    return git('rev-parse', 'HEAD');
  } catch {
    return packedGitSha();
  }
}
