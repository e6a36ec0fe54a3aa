/**
 * Fused WGSL kernels for tfjs's webgpu backend (one file per kernel). Each export runs only where
 * tf.getBackend() is 'webgpu' (check onWebGpu() / fusedAdamAvailable() first) and matches the stock
 * ops it replaces: test/engine/webgpu-kernels.test.ts checks values on a CPU WebGPU adapter.
 */
export {
  type FusedAdamParams,
  fusedAdamAvailable,
  fusedAdamStep,
  fusedAdamUpdate,
  fusedSumSquares,
} from './adam.ts';
export { fusedAttention, fusedAttentionAvailable } from './attention.ts';
export { fusedCrossEntropy } from './cross-entropy.ts';
export { fusedGelu } from './gelu.ts';
export { fusedLayerNorm } from './layer-norm.ts';
export {
  countDispatches,
  onWebGpu,
  setWebGpuKernels,
  webGpuKernelsOn,
  webGpuPipelineCount,
} from './program.ts';
