import { describe, expect, it } from 'vitest';
import { blasRefusal } from '../../bench/torch-compare.ts';

describe('PyTorch comparator BLAS check', () => {
  it('refuses a ratio when only the reference libblas is mapped', () => {
    const msg = blasRefusal(['/usr/lib/x86_64-linux-gnu/blas/libblas.so.3']);
    expect(msg).toMatch(/refused.*apt-get install libopenblas0-pthread.*update-alternatives/);
  });

  it('accepts OpenBLAS behind the libblas.so.3 alternative', () => {
    const mapped = [
      '/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3',
      '/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so',
    ];
    expect(blasRefusal(mapped)).toBeUndefined();
  });
});
