import { Code, F32, type Func, I32, V128 } from '../wasm-gemm/emit.ts';
import { colLimits, cols, forRows, laneSum } from './loops.ts';

/**
 * Generated f32x4 loops for the JS kernels of a training step that are memory-bound passes over tfjs-wasm's
 * heap (Sum over leading axes, layer norm forward/backward, clip+Adam). Pointers are byte offsets; float
 * arguments are passed as their float32 bits (emitModule's functions take i32 only). Each column loop runs
 * four lanes at a time and finishes the D % 4 tail with the same arithmetic on scalars, so one body
 * generator (`lanes`) writes both.
 */

const F64 = 0x7c;

/** Locals numbered after the parameters; a `Pair` is one value's f32 (tail) and v128 (vector) home. */
class Locals {
  readonly types: number[] = [];
  constructor(private readonly params: number) {}
  add(t: number): number {
    this.types.push(t);
    return this.params + this.types.length - 1;
  }
  pair(): Pair {
    return { f: this.add(F32), v: this.add(V128) };
  }
}
interface Pair {
  f: number;
  v: number;
}

/** The arithmetic one loop body needs, as f32x4 (v) or f32 (tail) ops; every method chains. */
function lanes(c: Code, v: boolean) {
  const ops = {
    zero: () => (v ? c.v128Zero() : c.f32(0)),
    load: () => (v ? c.v128Load() : c.f32Load()),
    store: () => (v ? c.v128Store() : c.f32Store()),
    add: () => (v ? c.f32x4Add() : c.f32Add()),
    sub: () => (v ? c.f32x4Sub() : c.f32Sub()),
    mul: () => (v ? c.f32x4Mul() : c.f32Mul()),
    div: () => (v ? c.f32x4Div() : c.f32Div()),
    sqrt: () => (v ? c.f32x4Sqrt() : c.f32Sqrt()),
    get: (p: Pair) => c.get(v ? p.v : p.f),
    set: (p: Pair) => c.set(v ? p.v : p.f),
    tee: (p: Pair) => c.tee(v ? p.v : p.f),
    /** Pushes the address base + j, j the loop's byte offset. */
    at: (base: number, j: number) => c.get(base).get(j).add(),
  };
  type Chained = { [K in keyof typeof ops]: (...a: Parameters<(typeof ops)[K]>) => Chained };
  const out = {} as Chained;
  for (const [k, f] of Object.entries(ops)) {
    (out as any)[k] = (...a: any[]) => {
      (f as any)(...a);
      return out;
    };
  }
  return out;
}
type Lanes = ReturnType<typeof lanes>;

/** `cols` with the body written once over `lanes`. */
function forCols(c: Code, j: number, end4: number, end: number, body: (l: Lanes) => void) {
  cols(c, j, end4, end, (v) => body(lanes(c, v)));
}

/** Pushes hsum(p.v) + p.f, pairing lanes as a tree. */
function total(c: Code, p: Pair) {
  laneSum(c, p.v);
  c.get(p.f).f32Add();
}

const zero = (c: Code, p: Pair) => c.v128Zero().set(p.v).f32(0).set(p.f);
/** p = scalar local s in both homes. */
const splat = (c: Code, p: Pair, s: number) => c.get(s).set(p.f).get(s).f32x4Splat().set(p.v);

/** sum(src, dst, rows, cols): dst[j] = Σ_r src[r·cols + j]; rows are added four at a time as (a+b)+(c+d). */
export function emitSum(): Func {
  const [src, dst, rows, cols] = [0, 1, 2, 3];
  const L = new Locals(4);
  const [j, end4, end, r, rowB] = [L.add(I32), L.add(I32), L.add(I32), L.add(I32), L.add(I32)];
  const p = [L.add(I32), L.add(I32), L.add(I32), L.add(I32)];
  const c = new Code();
  colLimits(c, cols, end4, end);
  c.get(end).set(rowB);
  forCols(c, j, end4, end, (l) => l.at(dst, j).zero().store());
  c.i32(0).set(r).get(src).set(p[0]);
  c.block().loop();
  c.get(rows).get(r).i32(4).add().ltS().brIf(1);
  for (let q = 1; q < 4; q++)
    c.get(p[q - 1])
      .get(rowB)
      .add()
      .set(p[q]);
  forCols(c, j, end4, end, (l) => {
    l.at(dst, j).at(dst, j).load();
    l.at(p[0], j).load().at(p[1], j).load().add();
    l.at(p[2], j).load().at(p[3], j).load().add().add();
    l.add().store();
  });
  c.get(p[3]).get(rowB).add().set(p[0]).inc(r, 4).br(0).end().end();
  c.block().loop();
  c.get(r).get(rows).geS().brIf(1);
  forCols(c, j, end4, end, (l) => l.at(dst, j).at(dst, j).load().at(p[0], j).load().add().store());
  c.incBy(p[0], rowB).inc(r, 1).br(0).end().end();
  return { name: 'sum', params: 4, locals: L.types, body: c };
}

/**
 * layerNorm(x, g, b, y, mean, rstd, rows, D, epsBits): per row μ = Σx/D, σ² = Σ(x−μ)²/D (two passes, as the
 * JS kernel), r = 1/√(σ²+eps), y = (x−μ)·r·g + b.
 */
export function emitLayerNorm(): Func {
  const [x, g, b, y, mean, rstd, rows, D, epsBits] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const L = new Locals(9);
  const [j, end4, end, r] = [L.add(I32), L.add(I32), L.add(I32), L.add(I32)];
  const [acc, mu, rs, d] = [L.pair(), L.pair(), L.pair(), L.pair()];
  const [s, dF, eps] = [L.add(F32), L.add(F32), L.add(F32)];
  const c = new Code();
  colLimits(c, D, end4, end);
  c.get(D).f32ConvertI32S().set(dF).get(epsBits).f32FromBits().set(eps);
  forRows(c, rows, r, [x, y], end, () => {
    zero(c, acc);
    forCols(c, j, end4, end, (l) => l.get(acc).at(x, j).load().add().set(acc));
    total(c, acc);
    c.get(dF).f32Div().set(s);
    splat(c, mu, s);
    zero(c, acc);
    forCols(c, j, end4, end, (l) =>
      l.at(x, j).load().get(mu).sub().tee(d).get(d).mul().get(acc).add().set(acc),
    );
    c.f32(1);
    total(c, acc);
    c.get(dF).f32Div().get(eps).f32Add().f32Sqrt().f32Div().set(s);
    splat(c, rs, s);
    c.get(mean).get(r).i32(4).mul().add().get(mu.f).f32Store();
    c.get(rstd).get(r).i32(4).mul().add().get(rs.f).f32Store();
    forCols(c, j, end4, end, (l) => {
      l.at(y, j).at(x, j).load().get(mu).sub().get(rs).mul();
      l.at(g, j).load().mul().at(b, j).load().add().store();
    });
  });
  return { name: 'layerNorm', params: 9, locals: L.types, body: c };
}

/**
 * layerNormGrad(dy, x, g, mean, rstd, dx, dg, db, rows, D) with x̂ = (x−μ)·r, a = dy·g:
 * db = Σ_rows dy, dg = Σ_rows dy·x̂, dx = r·(a − mean(a) − x̂·mean(a·x̂)).
 */
export function emitLayerNormGrad(): Func {
  const [dy, x, g, mean, rstd, dx, dg, db, rows, D] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const L = new Locals(10);
  const [j, end4, end, r] = [L.add(I32), L.add(I32), L.add(I32), L.add(I32)];
  const [mu, rs, xh, a, sA, sAX, mA, mAX] = [
    L.pair(),
    L.pair(),
    L.pair(),
    L.pair(),
    L.pair(),
    L.pair(),
    L.pair(),
    L.pair(),
  ];
  const [s, dF] = [L.add(F32), L.add(F32)];
  const c = new Code();
  colLimits(c, D, end4, end);
  c.get(D).f32ConvertI32S().set(dF);
  forCols(c, j, end4, end, (l) => {
    l.at(dg, j).zero().store();
    l.at(db, j).zero().store();
  });
  const xHat = (l: Lanes) => l.at(x, j).load().get(mu).sub().get(rs).mul();
  forRows(c, rows, r, [dy, x, dx], end, () => {
    c.get(mean).get(r).i32(4).mul().add().f32Load().set(s);
    splat(c, mu, s);
    c.get(rstd).get(r).i32(4).mul().add().f32Load().set(s);
    splat(c, rs, s);
    zero(c, sA);
    zero(c, sAX);
    forCols(c, j, end4, end, (l) => {
      xHat(l).set(xh);
      l.at(dy, j).load().at(g, j).load().mul().tee(a).get(sA).add().set(sA);
      l.get(a).get(xh).mul().get(sAX).add().set(sAX);
      l.at(dg, j).at(dg, j).load().at(dy, j).load().get(xh).mul().add().store();
      l.at(db, j).at(db, j).load().at(dy, j).load().add().store();
    });
    total(c, sA);
    c.get(dF).f32Div().set(s);
    splat(c, mA, s);
    total(c, sAX);
    c.get(dF).f32Div().set(s);
    splat(c, mAX, s);
    forCols(c, j, end4, end, (l) => {
      l.at(dx, j).at(dy, j).load().at(g, j).load().mul().get(mA).sub();
      xHat(l).get(mAX).mul().sub().get(rs).mul().store();
    });
  });
  return { name: 'layerNormGrad', params: 10, locals: L.types, body: c };
}

/**
 * sumSquares(g, n, out): float64 Σ g² stored at out. Lanes accumulate float32 over chunks of 256 elements,
 * each chunk's total is added in float64, so the error does not grow with n (variables of 10⁶ elements).
 */
export function emitSumSquares(): Func {
  const [g, n, out] = [0, 1, 2];
  const L = new Locals(3);
  const [j, end4, end, cend] = [L.add(I32), L.add(I32), L.add(I32), L.add(I32)];
  const acc = L.pair();
  const tot = L.add(F64);
  const c = new Code();
  colLimits(c, n, end4, end);
  c.i32(0).set(j).f64(0).set(tot);
  c.block().loop().get(j).get(end4).geS().brIf(1);
  c.get(j).i32(1024).add().tee(cend).get(end4).get(cend).get(end4).ltS().select().set(cend);
  zero(c, acc);
  c.block().loop().get(j).get(cend).geS().brIf(1);
  lanes(c, true).get(acc).at(g, j).load().at(g, j).load().mul().add().set(acc);
  c.inc(j, 16).br(0).end().end();
  c.get(tot);
  total(c, acc);
  c.f64PromoteF32().f64Add().set(tot);
  c.br(0).end().end();
  c.block().loop().get(j).get(end).geS().brIf(1);
  c.get(tot)
    .get(g)
    .get(j)
    .add()
    .f32Load()
    .get(g)
    .get(j)
    .add()
    .f32Load()
    .f32Mul()
    .f64PromoteF32()
    .f64Add()
    .set(tot);
  c.inc(j, 4).br(0).end().end();
  c.get(out).get(tot).f64Store();
  return { name: 'sumSquares', params: 3, locals: L.types, body: c };
}

/**
 * adam(x, g, m, v, x2, m2, v2, n, then as float bits: scale, b1, 1−b1, b2, 1−b2, eps, lrT, lr·wd), per element
 * g ← scale·g; m2 = b1·m + (1−b1)·g; v2 = b2·v + (1−b2)·g·g; x2 = x − (lrT·m2/(√v2 + eps) + lr·wd·x).
 */
export function emitAdam(): Func {
  const [x, g, m, v, x2, m2, v2, n] = [0, 1, 2, 3, 4, 5, 6, 7];
  const L = new Locals(16);
  const [j, end4, end] = [L.add(I32), L.add(I32), L.add(I32)];
  const k = Array.from({ length: 8 }, () => L.pair());
  const [scale, b1, c1, b2, c2, eps, lrT, decay] = k;
  const [gs, mv, vv, t] = [L.pair(), L.pair(), L.pair(), L.add(F32)];
  const c = new Code();
  colLimits(c, n, end4, end);
  k.forEach((p, i) => {
    c.get(8 + i)
      .f32FromBits()
      .set(t);
    splat(c, p, t);
  });
  forCols(c, j, end4, end, (l) => {
    l.at(g, j).load().get(scale).mul().set(gs);
    l.at(m2, j).get(b1).at(m, j).load().mul().get(c1).get(gs).mul().add().tee(mv).store();
    l.at(v2, j).get(b2).at(v, j).load().mul().get(c2).get(gs).mul().get(gs).mul().add().tee(vv).store();
    l.at(x2, j).at(x, j).load();
    l.get(lrT).get(mv).mul().get(vv).sqrt().get(eps).add().div();
    l.get(decay).at(x, j).load().mul().add().sub().store();
  });
  return { name: 'adam', params: 16, locals: L.types, body: c };
}
