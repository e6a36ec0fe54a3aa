/**
 * The sigmoid GELU's scale: gelu(x) = x·σ(GELU_SCALE·x) (Hendrycks & Gimpel's sigmoid approximation). One
 * definition for the op path (harness/models/layers.ts) and every fused kernel of it (fused-gelu.ts, its wasm
 * SIMD loops in wasm-simd/gelu.ts, webgpu-kernels/gelu.ts), which the self-tests compare with each other.
 */
export const GELU_SCALE = 1.702;
