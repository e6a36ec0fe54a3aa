import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tmp } from '../helpers/cli.ts';
import { hostLock } from './host-lock.ts';

/**
 * The package as a user gets it: `npm pack`, installed into an empty project with `npm ci --offline`
 * from the cache this repository's `npm ci` filled (no registry requests), then used there through
 * `npx distill-bench` and `import` from .mjs and .cjs files. The host is a CommonJS project (no
 * "type"), where TypeScript suites used to fail (D11).
 */
const ROOT = join(import.meta.dirname, '..', '..');
const own = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const host = tmp('db-host-');
const npxEnv = { ...process.env, npm_config_offline: 'true', npm_config_update_notifier: 'false' };
const sh = (cmd: string, args: string[], cwd = host) =>
  spawnSync(cmd, args, { cwd, encoding: 'utf8', env: npxEnv, timeout: 45_000 });

const SUITE = `import { defineSuite } from 'distill-bench';
export default defineSuite({
  name: 'packed',
  tasks: [{ id: 'copy-reverse', options: { trainSize: 16, validSize: 0, testSize: 4, oodSize: 4, minLetters: 3, maxLetters: 3, oodMaxLetters: 4, maxLength: 16 } }],
  students: [{ id: 's', model: 'nano' }],
  techniques: ['none'],
  seeds: [1],
  training: { steps: 2, batchSize: 4, warmupSteps: 1 },
  evaluation: { splits: ['test'], maxExamples: 4, maxNewTokens: 4 },
});
`;

beforeAll(() => {
  const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', host], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .pop()!;
  const { packageJson, lock } = hostLock(
    JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')),
    own,
    `file:${packed}`,
  );
  writeFileSync(join(host, 'package.json'), JSON.stringify(packageJson));
  writeFileSync(join(host, 'package-lock.json'), JSON.stringify(lock));
  const ci = sh('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund']);
  if (ci.status !== 0) throw new Error(`npm ci --offline failed:\n${ci.stderr}`);
  writeFileSync(join(host, 'suite.ts'), SUITE);
}, 180_000); // npm ci of ~260 packages from the cache: ~15 s idle, over 60 s on a loaded 2-core machine

describe('npm pack, installed offline into an empty CommonJS project', () => {
  it('ships only what a user needs: no tests, and a recorded harness commit', () => {
    const dir = join(host, 'node_modules', 'distill-bench');
    expect(existsSync(join(dir, 'harness', 'api.ts'))).toBe(true);
    expect(existsSync(join(dir, 'test'))).toBe(false);
    expect(existsSync(join(dir, 'harness', 'commands', 'metric.test.ts'))).toBe(false);
    const info = JSON.parse(readFileSync(join(dir, 'build-info.json'), 'utf8'));
    expect(info.gitSha).toMatch(/^[0-9a-f]{40}/);
  });

  it("--version prints the harness's version, not the host project's (1.0.0)", () => {
    const r = sh('npx', ['distill-bench', '--version']);
    expect(r.stdout.trim()).toBe(own.version);
    expect(own.version).not.toBe('1.0.0');
  });

  it('D11: validates and runs a TypeScript suite that imports distill-bench in a CommonJS project', () => {
    const v = sh('npx', ['distill-bench', 'validate', 'suite.ts']);
    expect(v.status, v.stderr).toBe(0);
    expect(v.stdout).toContain('ok');
    const r = sh('npx', [
      'distill-bench',
      'run',
      'suite.ts',
      '--out',
      'run',
      '--cache-dir',
      'cache',
      '--workers',
      '0',
      '--quiet',
      '--no-report',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(host, 'run', 'manifest.json'), 'utf8'));
    expect(manifest.harnessVersion).toBe(own.version);
    // The recorded commit is the harness's (from build-info.json), not the host's (it has no git).
    const info = JSON.parse(
      readFileSync(join(host, 'node_modules', 'distill-bench', 'build-info.json'), 'utf8'),
    );
    expect(manifest.gitSha).toBe(info.gitSha);
    expect(manifest.jobs.map((j: { status: string }) => j.status)).toEqual(['ok']);
  });

  it('D11: a TypeScript syntax error is file:line with exit 2, not an esbuild stack', () => {
    writeFileSync(join(host, 'broken.ts'), 'export default {\n  name: "x",,\n};\n');
    const r = sh('npx', ['distill-bench', 'validate', 'broken.ts']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${join(host, 'broken.ts')}:2:13:`);
    expect(r.stderr).not.toContain('esbuild/lib/main.js');
  });

  it('imports the API from a .mjs and a .cjs file', () => {
    writeFileSync(
      join(host, 'use.mjs'),
      `import { run, score, gate, report, defineSuite, validate, taskRegistry, techniqueRegistry, metricRegistry, version } from 'distill-bench';
const s = await validate('./suite.ts');
console.log(JSON.stringify({ version, fns: [run, score, gate, report, defineSuite].map((f) => typeof f), name: s.suite.name, tasks: taskRegistry.has('copy-reverse'), techniques: techniqueRegistry.has('none'), metrics: metricRegistry.has('accuracy') }));
`,
    );
    writeFileSync(
      join(host, 'use.cjs'),
      `(async () => {
  const api = await import('distill-bench');
  const s = await api.validate('./suite.ts');
  console.log(JSON.stringify({ version: api.version, name: s.suite.name, run: typeof api.run }));
})();
`,
    );
    const m = sh(process.execPath, ['use.mjs']);
    expect(m.status, m.stderr).toBe(0);
    expect(JSON.parse(m.stdout)).toEqual({
      version: own.version,
      fns: ['function', 'function', 'function', 'function', 'function'],
      name: 'packed',
      tasks: true,
      techniques: true,
      metrics: true,
    });
    const c = sh(process.execPath, ['use.cjs']);
    expect(c.status, c.stderr).toBe(0);
    expect(JSON.parse(c.stdout)).toEqual({ version: own.version, name: 'packed', run: 'function' });
  });
});
