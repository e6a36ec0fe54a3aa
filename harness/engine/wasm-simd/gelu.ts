import { GELU_SCALE } from '../gelu-scale.ts';
import { Code, type Func } from '../wasm-gemm/emit.ts';
import { type ExpLocals, elementwise, exp, expLocals } from './expf.ts';

/**
 * The sigmoid GELU of harness/models/layers.ts as two f32x4 passes (harness/engine/fused-gelu.ts registers them):
 *   gelu(x, y, n):          y = x·s,                          s = σ(1.702x)
 *   geluGrad(x, dy, dx, n): dx = dy·(s + 1.702x·s·(1 − s))
 * The stock ops take 3 kernels forward and 6 backward, each a pass over [rows, dFF] floats
 * (BENCHMARKS.md#fused-gelu). σ(z) = 1/(1 + e^−z) with e^t by expf.ts, t clamped to [−87, 88], where σ is
 * already 0 or 1 in float32.
 */
const RANGE: [number, number] = [-87, 88];

/** A loop over n floats at x that sets local s = σ(1.702x) and stores what `body` pushes at `dst`. */
function sigmoidLoop(
  name: string,
  params: number,
  [x, dst, n]: [number, number, number],
  body: (c: Code, L: ExpLocals, s: number, v: boolean) => void,
): Func {
  const L = expLocals(params, 2);
  const [neg, s] = L.more;
  const c = new Code();
  c.f32(-GELU_SCALE).f32x4Splat().set(neg);
  elementwise(c, L, RANGE, [n, x, dst], (v) => {
    c.get(L.x).get(neg).f32x4Mul();
    exp(c, L);
    c.set(s).get(L.k.one).get(L.k.one).get(s).f32x4Add().f32x4Div().set(s);
    body(c, L, s, v);
  });
  return { name, params, locals: L.types, body: c };
}

export function emitGelu(): Func {
  return sigmoidLoop('gelu', 3, [0, 1, 2], (c, L, s) => c.get(L.x).get(s).f32x4Mul());
}

export function emitGeluGrad(): Func {
  const [x, dy, dx, n] = [0, 1, 2, 3];
  return sigmoidLoop('geluGrad', 4, [x, dx, n], (c, L, s, v) => {
    // dy·(s + 1.702·x·s·(1 − s)); −1.702 is the constant at hand, so 1.702·x·s·(1 − s) = (−1.702·x)·s·(s − 1).
    c.get(dy).get(L.j).add();
    if (v) c.v128Load();
    else c.f32Load().f32x4Splat();
    c.get(s);
    c.get(L.more[0]).get(L.x).f32x4Mul().get(s).f32x4Mul().get(s).get(L.k.one).f32x4Sub().f32x4Mul();
    c.f32x4Add().f32x4Mul();
  });
}
