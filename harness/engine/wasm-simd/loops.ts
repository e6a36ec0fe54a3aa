import type { Code } from '../wasm-gemm/emit.ts';

/**
 * The loop shapes every generated kernel of this folder is made of: a row loop, and a column loop that runs
 * four lanes at a time and then the n % 4 tail one float at a time, with one body generator for both.
 */

/** end4 = (n & ~3)·4 and end = n·4: the byte limits `cols` reads. */
export function colLimits(c: Code, n: number, end4: number, end: number): void {
  c.get(n).i32(-4).and().i32(4).mul().set(end4);
  c.get(n).i32(4).mul().set(end);
}

/** for j in [0, end) bytes: vector steps (v true) while 16 bytes remain below end4, then scalar ones. */
export function cols(c: Code, j: number, end4: number, end: number, body: (v: boolean) => void): void {
  c.i32(0).set(j);
  for (const v of [true, false]) {
    c.block().loop();
    c.get(j)
      .get(v ? end4 : end)
      .geS()
      .brIf(1);
    body(v);
    c.inc(j, v ? 16 : 4)
      .br(0)
      .end()
      .end();
  }
}

/** for r in [0, rows): `row`, then each pointer in `ptrs` advances by rowB bytes. */
export function forRows(
  c: Code,
  rows: number,
  r: number,
  ptrs: number[],
  rowB: number,
  row: () => void,
): void {
  c.i32(0).set(r).block().loop();
  c.get(r).get(rows).geS().brIf(1);
  row();
  for (const q of ptrs) c.incBy(q, rowB);
  c.inc(r, 1).br(0).end().end();
}

/** Pushes (v₀ + v₁) + (v₂ + v₃), the lanes of local v added as a tree. */
export function laneSum(c: Code, v: number): void {
  c.get(v).f32x4ExtractLane(0).get(v).f32x4ExtractLane(1).f32Add();
  c.get(v).f32x4ExtractLane(2).get(v).f32x4ExtractLane(3).f32Add().f32Add();
}
