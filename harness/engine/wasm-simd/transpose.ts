import { Code, type Func, I32 } from '../wasm-gemm/emit.ts';
import { colLimits, cols } from './loops.ts';

/**
 * swapMiddle(src, dst, A, B, C, D): dst[a, c, b, :] = src[a, b, c, :] for a [A, B, C, D] float32 tensor, the
 * Transpose of two adjacent axes that keeps the last one last (perm [0, 2, 1, 3]: the attention heads'
 * split and merge, harness/models/transformer.ts). Each D-float run is copied 16 bytes at a time, the D % 4
 * tail one float at a time; tfjs-wasm's kernel moves one element per index computation.
 */
export function emitSwapMiddle(): Func {
  const [src, dst, A, B, C, D] = [0, 1, 2, 3, 4, 5];
  let next = 6;
  const take = () => next++;
  const [a, b, cc, j, end4, end, runB, sRow, dRow, sBase, dBase, cStride] = Array.from({ length: 12 }, take);
  const c = new Code();
  const loop = (counter: number, limit: number, body: () => void) => {
    c.i32(0).set(counter).block().loop();
    c.get(counter).get(limit).geS().brIf(1);
    body();
    c.inc(counter, 1).br(0).end().end();
  };
  colLimits(c, D, end4, end);
  c.get(end).set(runB);
  // Between consecutive c in dst: B runs of D floats.
  c.get(B).get(runB).mul().set(cStride);
  c.get(src).set(sBase).get(dst).set(dBase);
  loop(a, A, () => {
    // src walks its [B, C] runs in order; dst run (c, b) is at dBase + (c·B + b)·runB.
    c.get(sBase).set(sRow);
    loop(b, B, () => {
      c.get(dBase).get(b).get(runB).mul().add().set(dRow);
      loop(cc, C, () => {
        cols(c, j, end4, end, (v) => {
          c.get(dRow).get(j).add();
          c.get(sRow).get(j).add();
          if (v) c.v128Load().v128Store();
          else c.f32Load().f32Store();
        });
        c.incBy(sRow, runB);
        c.incBy(dRow, cStride);
      });
    });
    c.get(sRow).set(sBase);
    c.get(dBase).get(C).get(cStride).mul().add().set(dBase);
  });
  return { name: 'swapMiddle', params: 6, locals: new Array(12).fill(I32), body: c };
}
