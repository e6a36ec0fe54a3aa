/**
 * A minimal WebAssembly binary emitter: just enough of the spec (https://webassembly.github.io/spec/core/binary/)
 * to generate the GEMM kernels of gemm.ts at run time, so each kernel can bake its block sizes in as constants
 * without a build step or a dependency. One imported memory, functions of i32 parameters, no tables or globals.
 */

export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;
const VOID = 0x40;

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

const utf8 = (s: string) => [...uleb(Buffer.byteLength(s)), ...Buffer.from(s)];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];

/** Instruction builder; every method appends and returns `this` so bodies read top to bottom. */
export class Code {
  readonly bytes: number[] = [];
  private op(...b: number[]): this {
    this.bytes.push(...b);
    return this;
  }
  // SIMD opcodes are a 0xfd prefix then a LEB128 sub-opcode; relaxed ones are above 0x7f, hence two bytes.
  private simd(sub: number, ...imm: number[]): this {
    return this.op(0xfd, ...uleb(sub), ...imm);
  }
  private memarg(align: number, offset: number): number[] {
    return [...uleb(align), ...uleb(offset)];
  }
  block(): this {
    return this.op(0x02, VOID);
  }
  loop(): this {
    return this.op(0x03, VOID);
  }
  if(): this {
    return this.op(0x04, VOID);
  }
  else(): this {
    return this.op(0x05);
  }
  end(): this {
    return this.op(0x0b);
  }
  br(depth: number): this {
    return this.op(0x0c, ...uleb(depth));
  }
  brIf(depth: number): this {
    return this.op(0x0d, ...uleb(depth));
  }
  get(i: number): this {
    return this.op(0x20, ...uleb(i));
  }
  set(i: number): this {
    return this.op(0x21, ...uleb(i));
  }
  tee(i: number): this {
    return this.op(0x22, ...uleb(i));
  }
  i32(n: number): this {
    return this.op(0x41, ...sleb(n | 0));
  }
  f32(x: number): this {
    return this.op(0x43, ...new Uint8Array(new Float32Array([x]).buffer));
  }
  eqz(): this {
    return this.op(0x45);
  }
  ltS(): this {
    return this.op(0x48);
  }
  geS(): this {
    return this.op(0x4e);
  }
  add(): this {
    return this.op(0x6a);
  }
  sub(): this {
    return this.op(0x6b);
  }
  mul(): this {
    return this.op(0x6c);
  }
  f32Load(offset = 0): this {
    return this.op(0x2a, ...this.memarg(2, offset));
  }
  f32Store(offset = 0): this {
    return this.op(0x38, ...this.memarg(2, offset));
  }
  // Alignment hint 2 (4 bytes), not 4: tfjs tensors are only guaranteed float-aligned.
  v128Load(offset = 0): this {
    return this.simd(0x00, ...this.memarg(2, offset));
  }
  v128Store(offset = 0): this {
    return this.simd(0x0b, ...this.memarg(2, offset));
  }
  load32Splat(offset = 0): this {
    return this.simd(0x09, ...this.memarg(2, offset));
  }
  v128Zero(): this {
    return this.simd(0x0c, ...new Array(16).fill(0));
  }
  f32x4Splat(): this {
    return this.simd(0x13);
  }
  f32x4Add(): this {
    return this.simd(0xe4);
  }
  f32x4Mul(): this {
    return this.simd(0xe6);
  }
  /** a*b + c, fused or not at the engine's choice (relaxed SIMD proposal, opcode 0x105). */
  relaxedMadd(): this {
    return this.simd(0x105);
  }
  /** local += n (i32). */
  inc(local: number, n: number): this {
    return this.get(local).i32(n).add().set(local);
  }
  /** local += other local (i32). */
  incBy(local: number, other: number): this {
    return this.get(local).get(other).add().set(local);
  }
  // Scalar and lane-wise float ops for the kernels of harness/engine/wasm-simd/ (element-wise tails, row statistics).
  and(): this {
    return this.op(0x71);
  }
  select(): this {
    return this.op(0x1b);
  }
  f32Add(): this {
    return this.op(0x92);
  }
  f32Sub(): this {
    return this.op(0x93);
  }
  f32Mul(): this {
    return this.op(0x94);
  }
  f32Div(): this {
    return this.op(0x95);
  }
  f32Sqrt(): this {
    return this.op(0x91);
  }
  /** Bytes of the two v128 operands by index (0-15 the first, 16-31 the second). */
  i8x16Shuffle(bytes: number[]): this {
    return this.simd(0x0d, ...bytes);
  }
  divU(): this {
    return this.op(0x6e);
  }
  remU(): this {
    return this.op(0x70);
  }
  f32ConvertI32S(): this {
    return this.op(0xb2);
  }
  /** f32.reinterpret_i32: functions take only i32 parameters, so float arguments arrive as their bits. */
  f32FromBits(): this {
    return this.op(0xbe);
  }
  f64(x: number): this {
    return this.op(0x44, ...new Uint8Array(new Float64Array([x]).buffer));
  }
  f64PromoteF32(): this {
    return this.op(0xbb);
  }
  f64Add(): this {
    return this.op(0xa0);
  }
  f64Store(offset = 0): this {
    return this.op(0x39, ...this.memarg(3, offset));
  }
  f32x4Sub(): this {
    return this.simd(0xe5);
  }
  f32x4Div(): this {
    return this.simd(0xe7);
  }
  f32x4Sqrt(): this {
    return this.simd(0xe3);
  }
  f32x4ExtractLane(lane: number): this {
    return this.simd(0x1f, lane);
  }
  // For the exp of wasm-simd/expf.ts: clamping, and building 2^n from its exponent bits.
  /** b < a ? b : a, one minps (f32x4.min's NaN rules take several instructions). */
  f32x4Pmin(): this {
    return this.simd(0xea);
  }
  f32x4Pmax(): this {
    return this.simd(0xeb);
  }
  i32x4Shl(): this {
    return this.simd(0xab);
  }
  i32x4ShrS(): this {
    return this.simd(0xac);
  }
  i32x4Add(): this {
    return this.simd(0xae);
  }
  i32x4Sub(): this {
    return this.simd(0xb1);
  }
  i32x4Splat(): this {
    return this.simd(0x11);
  }
}

export interface Func {
  name: string;
  params: number;
  /** Types of the extra locals, numbered after the (i32) parameters. */
  locals: number[];
  body: Code;
}

/**
 * A module importing memory `env.memory` and exporting each function by name. A shared memory (the threaded
 * tfjs build's) must be imported as shared, which requires a maximum: 65536 pages (4 GiB) admits any.
 */
export function emitModule(funcs: Func[], opts: { sharedMemory?: boolean } = {}): Uint8Array<ArrayBuffer> {
  const types = funcs.map((f) => [0x60, ...vec(new Array(f.params).fill([I32])), 0]);
  const limits = opts.sharedMemory ? [0x03, 0x00, ...uleb(65536)] : [0x00, 0x01];
  const imports = [[...utf8('env'), ...utf8('memory'), 0x02, ...limits]];
  const exports = funcs.map((f, i) => [...utf8(f.name), 0x00, ...uleb(i)]);
  const bodies = funcs.map((f) => {
    const groups: number[][] = [];
    for (const t of f.locals) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    const body = [...vec(groups.map(([n, t]) => [...uleb(n), t])), ...f.body.bytes, 0x0b];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(types)),
    ...section(2, vec(imports)),
    ...section(3, vec(funcs.map((_, i) => uleb(i)))),
    ...section(7, vec(exports)),
    ...section(10, vec(bodies)),
  ]);
}
