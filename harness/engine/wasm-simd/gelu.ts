import { GELU_SCALE } from '../gelu-scale.ts';
import { Code, type Func, I32, V128 } from '../wasm-gemm/emit.ts';

/**
 * The sigmoid GELU of harness/models/layers.ts as two f32x4 passes (harness/engine/fused-gelu.ts registers them):
 *   gelu(x, y, n):          y = x·s,                          s = σ(1.702x)
 *   geluGrad(x, dy, dx, n): dx = dy·(s + 1.702x·s·(1 − s))
 * The stock ops take 3 kernels forward and 6 backward, each a pass over [rows, dFF] floats
 * (BENCHMARKS.md#fused-gelu). σ(z) = 1/(1 + e^−z) with e^t by Cephes' expf: t = n·ln2 + r, n = round(t·log2 e),
 * r split over two parts of ln 2, e^r by a degree-5 polynomial (relative error under 2e-7 on [−87, 88]).
 * n is rounded by adding 1.5·2²³ + 127: the sum's low mantissa bits are then n + 127, the float32 exponent of
 * 2^n, which a shift by 23 moves into place (the XNNPACK trick; no float-to-int conversion). t is clamped to
 * [−87, 88], where σ is already 0 or 1 in float32 and n + 127 stays in [1, 254].
 * The last n % 4 elements go through the same vector code one lane at a time.
 */

const LOG2E = Math.LOG2E;
/** 1.5·2²³ + 127: adding it rounds to an integer and leaves n + 127 in the low mantissa bits. */
const MAGIC = 12582912 + 127;
const LN2_HI = 0.693359375;
const LN2_LO = -2.1219444e-4;
const POLY = [
  1.98756915e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1,
];

/** Locals after `params` i32 parameters: j, end4, end (i32), then v128 constants and temporaries. */
function sigmoidLocals(params: number) {
  let next = params;
  const take = () => next++;
  const [j, end4, end] = [take(), take(), take()];
  const k = {
    neg: take(),
    hi: take(),
    lo: take(),
    log2e: take(),
    c1: take(),
    c2: take(),
    one: take(),
    magic: take(),
    poly: POLY.map(take),
  };
  const [x, t, m, n, r, s] = [take(), take(), take(), take(), take(), take()];
  const types = [I32, I32, I32, ...new Array(next - params - 3).fill(V128)];
  return { j, end4, end, k, x, t, m, n, r, s, types };
}
type SigmoidLocals = ReturnType<typeof sigmoidLocals>;

function splatConstants(c: Code, L: SigmoidLocals): void {
  const f = (v: number, local: number) => c.f32(v).f32x4Splat().set(local);
  f(-GELU_SCALE, L.k.neg);
  f(88, L.k.hi);
  f(-87, L.k.lo);
  f(LOG2E, L.k.log2e);
  f(LN2_HI, L.k.c1);
  f(LN2_LO, L.k.c2);
  f(1, L.k.one);
  f(MAGIC, L.k.magic);
  POLY.forEach((p, i) => f(p, L.k.poly[i]));
}

/** s = σ(1.702·x) for the four lanes of local x. */
function sigmoid(c: Code, L: SigmoidLocals): void {
  const { k } = L;
  // pmin/pmax with t first keep a NaN t (b < NaN is false).
  c.get(L.x).get(k.neg).f32x4Mul().get(k.hi).f32x4Pmin().get(k.lo).f32x4Pmax().set(L.t);
  // m = t·log2e + MAGIC (its bits: n + 127 in the low mantissa), n = m − MAGIC.
  c.get(L.t).get(k.log2e).f32x4Mul().get(k.magic).f32x4Add().tee(L.m).get(k.magic).f32x4Sub().set(L.n);
  c.get(L.t).get(L.n).get(k.c1).f32x4Mul().f32x4Sub().get(L.n).get(k.c2).f32x4Mul().f32x4Sub().set(L.r);
  c.get(k.poly[0]);
  for (let i = 1; i < POLY.length; i++) c.get(L.r).f32x4Mul().get(k.poly[i]).f32x4Add();
  c.get(L.r).f32x4Mul().get(L.r).f32x4Mul().get(L.r).f32x4Add().get(k.one).f32x4Add();
  c.get(L.m).i32(23).i32x4Shl().f32x4Mul();
  c.set(L.s).get(k.one).get(k.one).get(L.s).f32x4Add().f32x4Div().set(L.s);
}

/**
 * for j over n floats: `body` computes the result of lanes x (loaded from param `src`) onto the stack, stored
 * at param `dst`; 16 bytes at a time, then the tail one float at a time through lane 0.
 */
function elementwise(
  c: Code,
  L: SigmoidLocals,
  n: number,
  src: number,
  dst: number,
  body: (v: boolean) => void,
) {
  c.get(n).i32(-4).and().i32(4).mul().set(L.end4);
  c.get(n).i32(4).mul().set(L.end);
  splatConstants(c, L);
  c.i32(0).set(L.j);
  for (const v of [true, false]) {
    c.block().loop();
    c.get(L.j)
      .get(v ? L.end4 : L.end)
      .geS()
      .brIf(1);
    c.get(dst).get(L.j).add();
    c.get(src).get(L.j).add();
    if (v) c.v128Load();
    else c.f32Load().f32x4Splat();
    c.set(L.x);
    sigmoid(c, L);
    body(v);
    if (v) c.v128Store();
    else c.f32x4ExtractLane(0).f32Store();
    c.inc(L.j, v ? 16 : 4)
      .br(0)
      .end()
      .end();
  }
}

export function emitGelu(): Func {
  const [x, y, n] = [0, 1, 2];
  const L = sigmoidLocals(3);
  const c = new Code();
  elementwise(c, L, n, x, y, () => c.get(L.x).get(L.s).f32x4Mul());
  return { name: 'gelu', params: 3, locals: L.types, body: c };
}

export function emitGeluGrad(): Func {
  const [x, dy, dx, n] = [0, 1, 2, 3];
  const L = sigmoidLocals(4);
  const c = new Code();
  elementwise(c, L, n, x, dx, (v) => {
    // dy·(s + 1.702·x·s·(1 − s)); −1.702 is the constant at hand, so 1.702·x·s·(1 − s) = (−1.702·x)·s·(s − 1).
    c.get(dy).get(L.j).add();
    if (v) c.v128Load();
    else c.f32Load().f32x4Splat();
    c.get(L.s);
    c.get(L.k.neg).get(L.x).f32x4Mul().get(L.s).f32x4Mul().get(L.s).get(L.k.one).f32x4Sub().f32x4Mul();
    c.f32x4Add().f32x4Mul();
  });
  return { name: 'geluGrad', params: 4, locals: L.types, body: c };
}
