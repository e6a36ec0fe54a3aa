#!/usr/bin/env node
// `npm pack`/`npm publish` (prepack): records the commit the package is built from in
// build-info.json, so an installed copy (no .git of its own) still reports its harness commit.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
let gitSha = null;
try {
  gitSha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] })
    .toString()
    .trim();
  const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
    cwd: root,
  }).toString();
  if (dirty.trim()) gitSha += '-dirty';
} catch {
  // not a git checkout: the package records no commit
}
writeFileSync(join(root, 'build-info.json'), `${JSON.stringify({ gitSha }, null, 2)}\n`);
