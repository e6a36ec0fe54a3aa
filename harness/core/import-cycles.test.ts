import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Layers stay acyclic (type-only imports included): a cycle means two files share a contract that
// belongs in a lower module (harness/core/, a types file), and it makes load order matter.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const IMPORT = /^\s*(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]/gm;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name);
    if (d.isDirectory()) return d.name === 'node_modules' || d.name.startsWith('.') ? [] : sources(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

/** Every import cycle among the files, each as a list of repository-relative paths. */
function importCycles(files: string[]): string[][] {
  const edges = new Map<string, string[]>();
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    edges.set(
      f,
      [...text.matchAll(IMPORT)].map((m) => resolve(dirname(f), m[1])).filter((t) => t.endsWith('.ts')),
    );
  }
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string) => {
    state.set(f, 'open');
    stack.push(f);
    for (const t of edges.get(f) ?? []) {
      if (state.get(t) === 'open') cycles.push(stack.slice(stack.indexOf(t)).map((p) => relative(root, p)));
      else if (!state.has(t) && edges.has(t)) visit(t);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of edges.keys()) if (!state.has(f)) visit(f);
  return cycles;
}

describe('import graph', () => {
  it('has no cycles in harness/, metrics/ or reports/', () => {
    const files = ['harness', 'metrics', 'reports'].flatMap((d) => sources(join(root, d)));
    expect(files.length).toBeGreaterThan(50);
    expect(importCycles(files)).toEqual([]);
  });
});
