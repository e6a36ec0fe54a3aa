import { Code, type Func, I32, V128 } from '../wasm-gemm/emit.ts';
import { colLimits, cols } from './loops.ts';

/**
 * e^t on four float32 lanes by Cephes' expf, for the sigmoid of gelu.ts and the `Exp` kernel that
 * harness/engine/fast-kernels.ts puts in place of tfjs-wasm's scalar one (the log-softmax's forward and
 * backward, BENCHMARKS.md#simd-exp):
 *   t = n·ln2 + r, n = round(t·log2 e), r split over two parts of ln 2, e^r by a degree-5 polynomial
 *   (relative error under 2e-7 on the float32 range).
 * n is rounded by adding 1.5·2²³: the sum's bits are then those of 1.5·2²³ plus n, so an integer subtraction
 * gives n without a float-to-int conversion (the XNNPACK trick). 2^n is applied as 2^⌊n/2⌋·2^(n−⌊n/2⌋), two
 * exact scalings by normal powers of two, so n may run from −150 (results in float32's subnormals, rounded
 * once) to 128 (e^t above float32's largest value overflows to +Inf, as it should).
 * Each caller clamps t to its own range first; pmin/pmax with t first keep a NaN t (b < NaN is false).
 */

const LOG2E = Math.LOG2E;
/** 1.5·2²³: adding it rounds to an integer and leaves n in the low mantissa bits. */
const MAGIC = 12582912;
const LN2_HI = 0.693359375;
const LN2_LO = -2.1219444e-4;
const POLY = [
  1.98756915e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1,
];

/** Where e^t needs no clamp beyond float32's own range: below −104 e^t rounds to 0, above 88.8 to +Inf. */
export const EXP_RANGE: [lo: number, hi: number] = [-104, 88.8];

/**
 * The loop counters j, end4, end (i32) and the v128 constants and temporaries of `exp`, numbered from `first`;
 * `extra` more v128 locals for the caller. `types` lists them all, for Func.locals.
 */
export function expLocals(first: number, extra = 0) {
  let next = first;
  const take = () => next++;
  const [j, end4, end] = [take(), take(), take()];
  const k = {
    hi: take(),
    lo: take(),
    log2e: take(),
    c1: take(),
    c2: take(),
    one: take(),
    magic: take(),
    bias: take(),
    poly: POLY.map(take),
  };
  const [x, t, m, n, r, half] = [take(), take(), take(), take(), take(), take()];
  const more = Array.from({ length: extra }, take);
  const types = [I32, I32, I32, ...new Array(next - first - 3).fill(V128)];
  return { j, end4, end, k, x, t, m, n, r, half, more, types };
}
export type ExpLocals = ReturnType<typeof expLocals>;

/** Splats the constants of `exp`, with t clamped to [lo, hi]. */
export function splatExpConstants(c: Code, L: ExpLocals, [lo, hi]: [number, number]): void {
  const f = (v: number, local: number) => c.f32(v).f32x4Splat().set(local);
  f(hi, L.k.hi);
  f(lo, L.k.lo);
  f(LOG2E, L.k.log2e);
  f(LN2_HI, L.k.c1);
  f(LN2_LO, L.k.c2);
  f(1, L.k.one);
  f(MAGIC, L.k.magic);
  c.i32(127).i32x4Splat().set(L.k.bias);
  POLY.forEach((p, i) => f(p, L.k.poly[i]));
}

/** Replaces the four lanes on top of the stack by e^t, t their value clamped to the constants' range. */
export function exp(c: Code, L: ExpLocals): void {
  const { k } = L;
  c.get(k.hi).f32x4Pmin().get(k.lo).f32x4Pmax().set(L.t);
  c.get(L.t).get(k.log2e).f32x4Mul().get(k.magic).f32x4Add().tee(L.m).get(k.magic).f32x4Sub().set(L.n);
  c.get(L.t).get(L.n).get(k.c1).f32x4Mul().f32x4Sub().get(L.n).get(k.c2).f32x4Mul().f32x4Sub().set(L.r);
  c.get(k.poly[0]);
  for (let i = 1; i < POLY.length; i++) c.get(L.r).f32x4Mul().get(k.poly[i]).f32x4Add();
  c.get(L.r).f32x4Mul().get(L.r).f32x4Mul().get(L.r).f32x4Add().get(k.one).f32x4Add();
  // n as an integer (m's bits minus MAGIC's), then ·2^⌊n/2⌋ and ·2^(n − ⌊n/2⌋), each built as (e + 127) << 23.
  c.get(L.m).get(k.magic).i32x4Sub().set(L.m);
  c.get(L.m).i32(1).i32x4ShrS().tee(L.half).get(k.bias).i32x4Add().i32(23).i32x4Shl().f32x4Mul();
  c.get(L.m).get(L.half).i32x4Sub().get(k.bias).i32x4Add().i32(23).i32x4Shl().f32x4Mul();
}

/**
 * for j over n floats: x is loaded from param `src`, `body` pushes the result (it may read `j` for more
 * inputs), stored at param `dst`; 16 bytes at a time, then the tail one float at a time through lane 0.
 */
export function elementwise(
  c: Code,
  L: ExpLocals,
  range: [number, number],
  [n, src, dst]: [number, number, number],
  body: (v: boolean) => void,
): void {
  colLimits(c, n, L.end4, L.end);
  splatExpConstants(c, L, range);
  cols(c, L.j, L.end4, L.end, (v) => {
    c.get(dst).get(L.j).add();
    c.get(src).get(L.j).add();
    if (v) c.v128Load();
    else c.f32Load().f32x4Splat();
    c.set(L.x);
    body(v);
    if (v) c.v128Store();
    else c.f32x4ExtractLane(0).f32Store();
  });
}

/** exp(x, y, n): y = e^x over n floats. */
export function emitExp(): Func {
  const [x, y, n] = [0, 1, 2];
  const L = expLocals(3);
  const c = new Code();
  elementwise(c, L, EXP_RANGE, [n, x, y], () => {
    c.get(L.x);
    exp(c, L);
  });
  return { name: 'exp', params: 3, locals: L.types, body: c };
}
