import { describe, expect, it } from 'vitest';
import { Code, emitModule, sleb, uleb } from './emit.ts';
import { relaxedSimdAvailable, WasmGemm } from './gemm.ts';

describe('emit', () => {
  it('encodes LEB128 as the spec examples', () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-1)).toEqual([0x7f]);
  });

  it('emits a hand-checkable module that validates and runs', () => {
    // f(p): mem[p..p+16) = mem[p..p+16) * splat(mem[p+16]), i.e. v128.load, v128.load32_splat, f32x4.mul, v128.store.
    const body = new Code().get(0).get(0).v128Load().get(0).load32Splat(16).f32x4Mul().v128Store();
    expect(body.bytes).toEqual([
      0x20, 0, 0x20, 0, 0xfd, 0x00, 2, 0, 0x20, 0, 0xfd, 0x09, 2, 16, 0xfd, 0xe6, 0x01, 0xfd, 0x0b, 2, 0,
    ]);
    expect(new Code().relaxedMadd().bytes).toEqual([0xfd, 0x85, 0x02]);
    const bytes = emitModule([{ name: 'f', params: 1, locals: [], body }]);
    expect([...bytes.slice(0, 8)]).toEqual([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
    // type section: one func type (i32) -> ()
    expect([...bytes.slice(8, 15)]).toEqual([1, 5, 1, 0x60, 1, 0x7f, 0]);
    expect(WebAssembly.validate(bytes)).toBe(true);
    const memory = new WebAssembly.Memory({ initial: 1 });
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
    const f = new Float32Array(memory.buffer);
    f.set([1, 2, 3, 4, 0.5], 2);
    (inst.exports.f as (p: number) => void)(8);
    expect([...f.slice(2, 6)]).toEqual([0.5, 1, 1.5, 2]);
  });
});

function reference(
  a: Float32Array,
  b: Float32Array,
  m: number,
  k: number,
  n: number,
  ta: boolean,
  tb: boolean,
) {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[ta ? p * m + i : i * k + p] * b[tb ? j * k + p : p * n + j];
      c[i * n + j] = s;
    }
  return c;
}

const SHAPES = [
  [1, 1, 1],
  [5, 7, 3],
  [17, 33, 9],
  [64, 128, 65],
  [8, 600, 16],
  [13, 517, 21],
];

it('turns relaxed SIMD on at run time (Node 20 has it behind a V8 flag)', () => {
  expect(relaxedSimdAvailable()).toBe(true);
});

describe.each([true, false])('WasmGemm fma=%s', (fma) => {
  it.each(SHAPES)('%i x %i x %i, all transposes', (m, k, n) => {
    const memory = new WebAssembly.Memory({ initial: 64 });
    for (const [mr, nr] of [
      [4, 8],
      [6, 8],
    ]) {
      const g = new WasmGemm(memory, { fma, mr, nr, kc: 256 });
      for (const ta of [false, true])
        for (const tb of [false, true]) {
          const heap = new Float32Array(memory.buffer);
          const a = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i * 1.3 + m));
          const b = Float32Array.from({ length: k * n }, (_, i) => Math.cos(i * 0.7 + n));
          const [pa, pb] = [64, 64 + 4 * m * k + 4];
          const pc = pb + 4 * k * n + 12;
          heap.set(a, pa / 4);
          heap.set(b, pb / 4);
          heap.fill(Number.NaN, pc / 4, pc / 4 + m * n + 8);
          g.matmul(pa, pb, pc, m, k, n, ta, tb, pc + 4 * (m * n + 8));
          const got = new Float32Array(memory.buffer, pc, m * n + 8);
          const want = reference(a, b, m, k, n, ta, tb);
          let scale = 1e-6;
          for (const x of want) scale = Math.max(scale, Math.abs(x));
          let worst = 0;
          for (let i = 0; i < m * n; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / scale);
          expect(worst, `mr=${mr} ta=${ta} tb=${tb}`).toBeLessThan(1e-5);
          expect(Number.isNaN(got[m * n]), 'writes past C').toBe(true);
        }
    }
  });
});
