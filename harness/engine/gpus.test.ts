import { describe, expect, it } from 'vitest';
import { detectGpus, parseNvidiaSmiList, parseVisibleDevices, workerGpuEnv } from './gpus.ts';

const SMI = `GPU 0: NVIDIA H200 (UUID: GPU-1111)
GPU 1: NVIDIA H200 (UUID: GPU-2222)
`;

describe('GPU facts', () => {
  it('reads CUDA_VISIBLE_DEVICES as CUDA does: ids up to the first invalid one', () => {
    expect(parseVisibleDevices('0,1')).toEqual(['0', '1']);
    expect(parseVisibleDevices(' 2 , 3 ')).toEqual(['2', '3']);
    expect(parseVisibleDevices('2,-1,3')).toEqual(['2']);
    expect(parseVisibleDevices('')).toEqual([]);
    expect(parseVisibleDevices('-1')).toEqual([]);
  });

  it('reads the device indices of nvidia-smi -L', () => {
    expect(parseNvidiaSmiList(SMI)).toEqual(['0', '1']);
    expect(parseNvidiaSmiList('No devices were found\n')).toEqual([]);
  });

  it('counts by backend: env first, then nvidia-smi, else one unpinned', () => {
    const noSmi = () => undefined;
    expect(detectGpus('wasm', {}, () => SMI)).toMatchObject({ count: 0, ids: [] });
    expect(detectGpus('webgpu', {}, () => SMI)).toMatchObject({ count: 1, ids: [] });
    expect(detectGpus('tensorflow-gpu', { CUDA_VISIBLE_DEVICES: '4,5,6' }, () => SMI)).toEqual({
      count: 3,
      ids: ['4', '5', '6'],
      source: 'CUDA_VISIBLE_DEVICES=4,5,6',
    });
    expect(detectGpus('tensorflow-gpu', {}, () => SMI)).toEqual({
      count: 2,
      ids: ['0', '1'],
      source: 'nvidia-smi -L',
    });
    expect(detectGpus('tensorflow-gpu', {}, noSmi)).toMatchObject({ count: 1, ids: [] });
  });

  it('pins worker slots to the GPUs in turn, only where there is more than one to spread over', () => {
    expect([0, 1, 2, 3].map((s) => workerGpuEnv('tensorflow-gpu', ['0', '1'], s))).toEqual([
      { CUDA_VISIBLE_DEVICES: '0' },
      { CUDA_VISIBLE_DEVICES: '1' },
      { CUDA_VISIBLE_DEVICES: '0' },
      { CUDA_VISIBLE_DEVICES: '1' },
    ]);
    expect(workerGpuEnv('tensorflow-gpu', ['3'], 2)).toEqual({});
    expect(workerGpuEnv('wasm', ['0', '1'], 1)).toEqual({});
  });
});
