import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Synchronous tensor reads (`dataSync`, `arraySync`, `bufferSync`) stall the device queue, and on
 * webgpu in Node they do not work at all (they need an OffscreenCanvas, which Node lacks), so the
 * harness reads with `await x.data()` / `await x.array()`; training batches its loss reads
 * (AdamTrainer.read in harness/training/optimizer.ts). This test keeps it that way: any sync read in
 * harness/ or metrics/ outside the list below fails it.
 */
const ALLOWED: Record<string, string> = {
  'harness/engine/fastmm.ts':
    'start-up self-test of the wasm fast matmul: runs once, on the wasm backend only',
  'harness/engine/fast-kernels.ts':
    'start-up self-test of the wasm Sum/GatherV2/Identity/Cast kernels: runs once, on the wasm backend only',
  'harness/training/fused-self-test.ts':
    'start-up self-tests of the fused wasm Adam and layer norm: run once, on the wasm backend only',
};

const ROOT = join(import.meta.dirname, '..', '..');
const SYNC_READ = /\.\s*(dataSync|arraySync|bufferSync)\s*\(/g;

/** Lines of `source` that call a synchronous read (comment lines are skipped: they only mention one). */
function syncReads(source: string): { line: number; call: string }[] {
  const out: { line: number; call: string }[] = [];
  source.split('\n').forEach((text, i) => {
    const t = text.trim();
    if (t.startsWith('//') || t.startsWith('*') || t.startsWith('/*')) return;
    const code = text.replace(/\s\/\/.*$/, '');
    for (const m of code.matchAll(SYNC_READ)) out.push({ line: i + 1, call: m[1] });
  });
  return out;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

describe('no synchronous tensor reads on harness paths', () => {
  it('the scanner finds each kind of sync read, with its line, and ignores comments and async reads', () => {
    const src = [
      'const a = t.dataSync();',
      'const b = await t.data();',
      '// t.arraySync() would stall here',
      ' * or t.bufferSync() in a doc comment',
      'const c = x.arraySync() as number[]; const d = y . bufferSync ();',
      'const e = await t.array(); // not t.dataSync()',
    ].join('\n');
    expect(syncReads(src)).toEqual([
      { line: 1, call: 'dataSync' },
      { line: 5, call: 'arraySync' },
      { line: 5, call: 'bufferSync' },
    ]);
  });

  it('harness/ and metrics/ have none outside the allow-list', () => {
    const files = [...sourceFiles(join(ROOT, 'harness')), ...sourceFiles(join(ROOT, 'metrics'))];
    expect(files.length).toBeGreaterThan(50);
    const found = files.flatMap((f) => {
      const rel = relative(ROOT, f).split('\\').join('/');
      if (ALLOWED[rel]) return [];
      return syncReads(readFileSync(f, 'utf8')).map((r) => `${rel}:${r.line} ${r.call}()`);
    });
    expect(
      found,
      'use `await x.data()` / `await x.array()` (see the comment at the top of this test)',
    ).toEqual([]);
  });

  it('every allow-listed file exists and still needs its entry (a stale entry would hide a new read)', () => {
    for (const rel of Object.keys(ALLOWED))
      expect(syncReads(readFileSync(join(ROOT, rel), 'utf8')).length, rel).toBeGreaterThan(0);
  });
});
