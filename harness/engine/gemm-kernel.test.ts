import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.ts';
import { parseGemmKernel } from './gemm-kernel.ts';

describe('DISTILL_BENCH_GEMM', () => {
  it("defaults to mul+add, accepts 'fma', and refuses anything else naming the variable and the fix", () => {
    expect(parseGemmKernel(undefined)).toBe('mul+add');
    expect(parseGemmKernel('')).toBe('mul+add');
    expect(parseGemmKernel('mul+add')).toBe('mul+add');
    expect(parseGemmKernel('fma')).toBe('fma');
    for (const bad of ['FMA', 'muladd', 'fma ', 'on']) {
      expect(() => parseGemmKernel(bad)).toThrow(UsageError);
      expect(() => parseGemmKernel(bad)).toThrow(
        /^DISTILL_BENCH_GEMM: '.*' is not a GEMM kernel\. Fix: use 'mul\+add'/,
      );
    }
  });
});
