import { Code, emitModule, type Func, I32, V128 } from './emit.ts';
import { relaxedSimdAvailable } from './relaxed.ts';

export { relaxedSimdAvailable };

/**
 * Generated wasm SIMD GEMM, C[M,N] = op(A)[M,K] · op(B)[K,N], row-major, on an imported WebAssembly.Memory
 * (byte-offset pointers), so it can run on tfjs-wasm's heap. GotoBLAS-shaped: K is cut into blocks of about
 * `kc`, each block of op(A) and op(B) is packed into MR- and NR-wide panels (zero-padded, which also absorbs
 * transposes and the M, N, K remainders), and an MR×NR register-blocked micro-kernel runs over the panels.
 * Edge tiles go to scratch and are copied out, so the micro-kernel never needs a bounds check.
 */
export interface GemmOptions {
  /** f32x4.relaxed_madd (an x86 FMA where V8 has relaxed SIMD) instead of f32x4.mul + f32x4.add. */
  fma: boolean;
  mr?: number;
  nr?: number;
  kc?: number;
  /**
   * k-loop unroll; kcPad is a multiple of it. Default 1: V8 11.3's scheduler hoists the loads of all unrolled
   * steps to the loop top and spills accumulators, so unrolling by 2-8 measured 30-45% slower.
   */
  unroll?: number;
}

function emitBlock(mr: number, nr: number, u: number, fma: boolean): Func {
  // params: pA pB pC ldc mBlocks nPanels kcPad acc; then i j k pa pb pc pcr; then the vectors
  const [pA, pB, pC, ldc, mBlocks, nPanels, kcPad, accFlag] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [i, j, k, pa, pb, pc, pcr] = [8, 9, 10, 11, 12, 13, 14];
  const nv = nr / 4;
  const acc = (r: number, c: number) => 15 + r * nv + c;
  const bv = (c: number) => 15 + mr * nv + c;
  const av = 15 + mr * nv + nv;
  const c = new Code();
  const rows = (fn: (r: number) => void) => {
    c.get(pc).set(pcr);
    for (let r = 0; r < mr; r++) {
      fn(r);
      c.incBy(pcr, ldc);
    }
  };
  c.i32(0).set(i).block().loop();
  c.get(i).get(mBlocks).geS().brIf(1);
  c.i32(0).set(j).block().loop();
  c.get(j).get(nPanels).geS().brIf(1);
  c.get(pA)
    .get(i)
    .get(kcPad)
    .mul()
    .i32(mr * 4)
    .mul()
    .add()
    .set(pa);
  c.get(pB)
    .get(j)
    .get(kcPad)
    .mul()
    .i32(nr * 4)
    .mul()
    .add()
    .set(pb);
  c.get(pC)
    .get(i)
    .i32(mr)
    .mul()
    .get(ldc)
    .mul()
    .add()
    .get(j)
    .i32(nr * 4)
    .mul()
    .add()
    .set(pc);
  c.get(accFlag).if();
  rows((r) => {
    for (let q = 0; q < nv; q++)
      c.get(pcr)
        .v128Load(q * 16)
        .set(acc(r, q));
  });
  c.else();
  for (let r = 0; r < mr; r++) for (let q = 0; q < nv; q++) c.v128Zero().set(acc(r, q));
  c.end();
  c.get(kcPad).set(k).loop();
  for (let s = 0; s < u; s++) {
    for (let q = 0; q < nv; q++)
      c.get(pb)
        .v128Load((s * nr + q * 4) * 4)
        .set(bv(q));
    for (let r = 0; r < mr; r++) {
      c.get(pa)
        .load32Splat((s * mr + r) * 4)
        .set(av);
      for (let q = 0; q < nv; q++) {
        if (fma) c.get(av).get(bv(q)).get(acc(r, q)).relaxedMadd().set(acc(r, q));
        else c.get(acc(r, q)).get(av).get(bv(q)).f32x4Mul().f32x4Add().set(acc(r, q));
      }
    }
  }
  c.inc(pa, u * mr * 4).inc(pb, u * nr * 4);
  c.get(k).i32(u).sub().tee(k).brIf(0).end();
  rows((r) => {
    for (let q = 0; q < nv; q++)
      c.get(pcr)
        .get(acc(r, q))
        .v128Store(q * 16);
  });
  c.inc(j, 1).br(0).end().end();
  c.inc(i, 1).br(0).end().end();
  const locals = [...new Array(7).fill(I32), ...new Array(mr * nv + nv + 1).fill(V128)];
  return { name: 'block', params: 8, locals, body: c };
}

/** Packs columns [0, width) of a kc-row block into P-wide panels of kcPad rows; element (k, col) at src + k*sK + col*sC. */
function emitPack(p: number): Func {
  const [src, dst, kc, kcPad, width, sK, sC] = [0, 1, 2, 3, 4, 5, 6];
  const [c0, k, ps, pcc, rem] = [7, 8, 9, 10, 11];
  const c = new Code();
  const storeZeros = () => {
    for (let q = 0; q + 4 <= p; q += 4)
      c.get(dst)
        .v128Zero()
        .v128Store(q * 4);
    for (let q = p - (p % 4); q < p; q++)
      c.get(dst)
        .f32(0)
        .f32Store(q * 4);
  };
  c.i32(0).set(c0).block().loop();
  c.get(width).get(c0).sub().tee(rem).i32(0).ltS().get(rem).eqz().add().brIf(1);
  c.get(src).get(c0).get(sC).mul().add().set(ps);
  c.i32(0).set(k);
  c.get(rem).i32(p).geS().if();
  c.block().loop().get(k).get(kc).geS().brIf(1);
  c.get(sC).i32(4).sub().eqz().if();
  for (let q = 0; q + 4 <= p; q += 4)
    c.get(dst)
      .get(ps)
      .v128Load(q * 4)
      .v128Store(q * 4);
  for (let q = p - (p % 4); q < p; q++)
    c.get(dst)
      .get(ps)
      .f32Load(q * 4)
      .f32Store(q * 4);
  c.else().get(ps).set(pcc);
  for (let q = 0; q < p; q++)
    c.get(dst)
      .get(pcc)
      .f32Load()
      .f32Store(q * 4)
      .incBy(pcc, sC);
  c.end();
  c.inc(dst, p * 4)
    .incBy(ps, sK)
    .inc(k, 1)
    .br(0)
    .end()
    .end();
  c.else();
  c.block().loop().get(k).get(kc).geS().brIf(1).get(ps).set(pcc);
  for (let q = 0; q < p; q++) {
    c.i32(q)
      .get(rem)
      .ltS()
      .if()
      .get(dst)
      .get(pcc)
      .f32Load()
      .f32Store(q * 4);
    c.else()
      .get(dst)
      .f32(0)
      .f32Store(q * 4)
      .end()
      .incBy(pcc, sC);
  }
  c.inc(dst, p * 4)
    .incBy(ps, sK)
    .inc(k, 1)
    .br(0)
    .end()
    .end();
  c.end();
  c.block().loop().get(k).get(kcPad).geS().brIf(1);
  storeZeros();
  c.inc(dst, p * 4)
    .inc(k, 1)
    .br(0)
    .end()
    .end();
  c.inc(c0, p).br(0).end().end();
  return { name: `pack${p}`, params: 7, locals: new Array(5).fill(I32), body: c };
}

const roundUp = (x: number, m: number) => Math.ceil(x / m) * m;

export class WasmGemm {
  readonly mr: number;
  readonly nr: number;
  private readonly kc: number;
  private readonly u: number;
  private readonly block: (...a: number[]) => void;
  private readonly packA: (...a: number[]) => void;
  private readonly packB: (...a: number[]) => void;

  /** The compiled module, which worker threads instantiate on the same (shared) memory (gemm-pool.ts). */
  readonly module: WebAssembly.Module;

  constructor(
    private readonly memory: WebAssembly.Memory,
    opts: GemmOptions & { module?: WebAssembly.Module },
  ) {
    this.mr = opts.mr ?? 4;
    this.nr = opts.nr ?? 8;
    this.kc = opts.kc ?? 256;
    this.u = opts.unroll ?? 1;
    if (this.nr % 4 !== 0) throw new Error('nr must be a multiple of 4');
    if (opts.fma && !relaxedSimdAvailable()) throw new Error('relaxed SIMD unavailable in this engine');
    const funcs = [emitBlock(this.mr, this.nr, this.u, opts.fma), emitPack(this.mr)];
    if (this.nr !== this.mr) funcs.push(emitPack(this.nr));
    const shared = memory.buffer instanceof SharedArrayBuffer;
    const mod = opts.module ?? new WebAssembly.Module(emitModule(funcs, { sharedMemory: shared }));
    this.module = mod;
    const ex = new WebAssembly.Instance(mod, { env: { memory } }).exports as Record<string, any>;
    this.block = ex.block;
    this.packA = ex[`pack${this.mr}`];
    this.packB = ex[`pack${this.nr}`];
  }

  private plan(m: number, k: number, n: number) {
    const blocks = Math.max(1, Math.ceil(k / this.kc));
    const kcPad = roundUp(Math.ceil(k / blocks), this.u);
    const mPad = roundUp(m, this.mr);
    const nPad = roundUp(n, this.nr);
    const mf = m - (m % this.mr);
    const nf = n - (n % this.nr);
    const sizes = [kcPad * mPad, kcPad * nPad, this.mr * nPad, mf * this.nr].map((x) => x * 4);
    return { kcPad, mPad, nPad, mf, nf, sizes, bytes: sizes.reduce((a, b) => a + b, 0) };
  }

  /** Scratch bytes matmul needs for this shape (packed panels plus edge tiles). */
  scratchBytes(m: number, k: number, n: number): number {
    return this.plan(m, k, n).bytes;
  }

  /**
   * C = op(A)·op(B); a, b, c, scratch are byte offsets into the memory (4-byte aligned, c not overlapping).
   * `rows` [r0, r1) computes only those rows of C (a worker thread's share, gemm-pool.ts); scratch then needs
   * scratchBytes(r1 - r0, k, n).
   */
  matmul(
    a: number,
    b: number,
    c: number,
    mAll: number,
    k: number,
    n: number,
    ta: boolean,
    tb: boolean,
    scratch: number,
    rows: [number, number] = [0, mAll],
  ) {
    // A's strides come from its full row count; the row range only moves the start of A and C.
    const [aK, aC] = ta ? [mAll * 4, 4] : [4, k * 4];
    a += rows[0] * aC;
    c += rows[0] * n * 4;
    const m = rows[1] - rows[0];
    if (m <= 0) return;
    const { kcPad, nPad, mf, nf, sizes } = this.plan(m, k, n);
    const { mr, nr } = this;
    if (k === 0) {
      new Float32Array(this.memory.buffer, c, m * n).fill(0);
      return;
    }
    const pAp = scratch;
    const pBp = pAp + sizes[0];
    const rowEdge = pBp + sizes[1];
    const colEdge = rowEdge + sizes[2];
    const [bK, bC] = tb ? [4, k * 4] : [n * 4, 4];
    const step = kcPad;
    for (let k0 = 0; k0 < k; k0 += step) {
      const kc = Math.min(step, k - k0);
      const kp = roundUp(kc, this.u);
      const acc = k0 > 0 ? 1 : 0;
      this.packA(a + k0 * aK, pAp, kc, kp, m, aK, aC);
      this.packB(b + k0 * bK, pBp, kc, kp, n, bK, bC);
      this.block(pAp, pBp, c, n * 4, mf / mr, nf / nr, kp, acc);
      if (n > nf) this.block(pAp, pBp + (nf / nr) * kp * nr * 4, colEdge, nr * 4, mf / mr, 1, kp, acc);
      if (m > mf) this.block(pAp + (mf / mr) * kp * mr * 4, pBp, rowEdge, nPad * 4, 1, nPad / nr, kp, acc);
    }
    const buf = this.memory.buffer;
    const out = new Float32Array(buf, c, m * n);
    if (n > nf) {
      const tile = new Float32Array(buf, colEdge, mf * nr);
      for (let i = 0; i < mf; i++) out.set(tile.subarray(i * nr, i * nr + n - nf), i * n + nf);
    }
    if (m > mf) {
      const tile = new Float32Array(buf, rowEdge, mr * nPad);
      for (let i = 0; i < m - mf; i++) out.set(tile.subarray(i * nPad, i * nPad + n), (mf + i) * n);
    }
  }
}
