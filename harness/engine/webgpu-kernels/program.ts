import { tf } from '../tf.ts';

/**
 * What tfjs-backend-webgpu needs from a custom program (its WebGPUProgram interface, restated here so
 * that this code type-checks without the backend's @webgpu/types). The backend prepends the binding
 * declarations: `result` (the one output, binding 0, read_write), one `var<storage, read>` array per
 * entry of `variableNames` in order, and `uniforms` with each input's shape plus `outShape`, `size`
 * when `size` is true, and the fields named in `uniforms`. It compiles one pipeline per distinct
 * shader key (our `shaderKey` plus the inputs' ranks and dtypes) and reuses it on every later call.
 */
export interface WgslProgram {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  size?: boolean;
  uniforms?: string;
  getUserCode: () => string;
}

export interface Uniform {
  type: 'float32' | 'int32';
  data: number[];
}

interface WebGpuBackendLike {
  runWebGPUProgram(
    program: WgslProgram,
    inputs: tf.TensorInfo[],
    dtype: tf.DataType,
    uniforms?: Uniform[],
  ): tf.TensorInfo;
}

/** True when tfjs's active backend is `webgpu`, the only one these kernels run on. */
export function onWebGpu(): boolean {
  return tf.getBackend() === 'webgpu';
}

let wired = true;

/**
 * Whether training uses the fused kernels: on webgpu, unless switched off (tests and the bench switch
 * them off to get the stock ops as the reference, as setFusedKernels does on wasm).
 */
export function webGpuKernelsOn(): boolean {
  return wired && onWebGpu();
}

export function setWebGpuKernels(on: boolean): void {
  wired = on;
}

/** Runs `program` on the webgpu backend and wraps its output as a tensor (tracked by tidy). */
export function runProgram(
  program: WgslProgram,
  inputs: tf.Tensor[],
  uniforms: Uniform[] = [],
  dtype: tf.DataType = 'float32',
): tf.Tensor {
  if (!onWebGpu()) throw new Error(`WGSL kernel ${program.shaderKey} needs the webgpu backend`);
  const backend = tf.backend() as unknown as WebGpuBackendLike;
  const info = backend.runWebGPUProgram(program, inputs, dtype, uniforms);
  return tf.engine().makeTensorFromTensorInfo(info);
}

/** One thread per element of a flat output of `size` elements, 128-wide workgroups. */
export function flatLayout(
  outputShape: number[],
  workgroup = 128,
): Pick<WgslProgram, 'outputShape' | 'dispatchLayout' | 'dispatch' | 'workgroupSize'> {
  const size = outputShape.reduce((a, b) => a * b, 1);
  return {
    outputShape,
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: [Math.ceil(size / workgroup), 1, 1],
    workgroupSize: [workgroup, 1, 1],
  };
}

/**
 * One workgroup per row: `rows` workgroups of `wg` threads. The backend reshapes dispatches wider
 * than maxComputeWorkgroupsPerDimension to 2-D, so shaders take the row as `index / wg` from
 * main(index) (getGlobalIndex handles 2-D dispatches), never from workgroupId.x.
 */
export function rowLayout(
  outputShape: number[],
  rows: number,
  wg: number,
): Pick<WgslProgram, 'outputShape' | 'dispatchLayout' | 'dispatch' | 'workgroupSize'> {
  return {
    outputShape,
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: [rows, 1, 1],
    workgroupSize: [wg, 1, 1],
  };
}

/** Workgroup width for a row of `cols` elements: 64 lanes, 256 for long rows (as tfjs's softmax). */
export function rowWorkgroup(cols: number): number {
  return cols >= 4096 ? 256 : 64;
}

/**
 * Module-scope workgroup arrays for reductions named `names` (see reduceSnippet), `wg` lanes each.
 * Every reduction gets its own array: reusing one array for a second reduction in the same shader
 * (with barriers between, valid WGSL) gave wrong sums on Dawn's OpenGL ES backend over llvmpipe
 * (harness/engine/testing/webgpu-cpu.ts) once every lane also wrote the output afterwards.
 */
export function reductionArrays(wg: number, ...names: string[]): string {
  return names.map((n) => `var<workgroup> red_${n} : array<f32, ${wg}>;`).join('\n');
}

/**
 * WGSL for a tree reduction of `value` over the workgroup's `wg` lanes (wg a power of two, `lane` in
 * scope) into `name` (a function-scope `let`), visible to every lane. Needs reductionArrays(wg, name).
 */
export function reduceSnippet(name: string, value: string, wg: number, op: 'sum' | 'max' = 'sum'): string {
  const a = `red_${name}`;
  const combine = op === 'sum' ? `${a}[lane] + ${a}[lane + s]` : `max(${a}[lane], ${a}[lane + s])`;
  return `
      ${a}[lane] = ${value};
      workgroupBarrier();
      for (var s = ${wg / 2}; s > 0; s = s >> 1) {
        if (lane < s) { ${a}[lane] = ${combine}; }
        workgroupBarrier();
      }
      let ${name} = ${a}[0];
      workgroupBarrier();`;
}

/** Compiled pipelines the webgpu backend holds (one per distinct shader key), for checking reuse. */
export function webGpuPipelineCount(): number {
  return Object.keys((tf.backend() as any).pipelineCache ?? {}).length;
}

/**
 * Runs `fn` and counts the programs it dispatched on the webgpu backend, by shader key prefix
 * (everything before tfjs's first '_' suffix is our or tfjs's kernel name). For benchmarks and tests.
 */
export function countDispatches<T>(fn: () => T): { result: T; dispatches: number } {
  const backend = tf.backend() as any;
  const orig = backend.runWebGPUProgram;
  let dispatches = 0;
  backend.runWebGPUProgram = function (this: unknown, ...args: unknown[]) {
    dispatches++;
    return orig.apply(this, args);
  };
  try {
    return { result: fn(), dispatches };
  } finally {
    backend.runWebGPUProgram = orig;
  }
}
