import { tf } from '../tf.ts';
import { loadWebGpu, webGpuAdapter } from '../webgpu.ts';

/**
 * A real WebGPU adapter on the CPU, for checking WebGPU kernels' values on machines without a GPU:
 * Dawn (the opt-in `webgpu` npm package) on its OpenGL ES backend over Mesa llvmpipe, in WebGPU
 * compatibility mode. Needs the Debian packages libegl1 libgles2 libegl-mesa0 libgl1-mesa-dri.
 * Dawn's Vulkan backend on lavapipe is rejected ("Vulkan shaderUniform*ArrayDynamicIndexing required")
 * and `backend=null` gives an adapter that computes nothing, so this is the one CPU route to values.
 *
 * Compatibility mode has lower limits than core WebGPU (e.g. 4 storage buffers per shader stage):
 * the kernels in harness/engine/webgpu-kernels/ are written to fit them.
 */
export interface CpuWebGpu {
  /** Adapter description as Dawn reports it (vendor / architecture / device / description). */
  adapter: string;
  limits: Record<string, number>;
  /** The GPUDevice tfjs runs on; its limits are what the kernels get. */
  deviceLimits: Record<string, number>;
}

export type CpuWebGpuResult = { ok: true; info: CpuWebGpu } | { ok: false; reason: string };

let cached: Promise<CpuWebGpuResult> | undefined;

function limitsOf(l: any): Record<string, number> {
  const out: Record<string, number> = {};
  // GPUSupportedLimits exposes its fields as prototype getters, so walk the prototype too.
  for (let o = l; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const k of Object.getOwnPropertyNames(o)) {
      const v = l[k];
      if (typeof v === 'number' && !(k in out)) out[k] = v;
    }
  }
  return out;
}

/**
 * Makes tfjs's `webgpu` backend run on Dawn's OpenGL ES backend (llvmpipe on a CPU-only machine) and
 * activates it. Never throws: returns the reason when the package, the GL libraries or the adapter are
 * missing, so callers (tests) can skip with it. Call once per process; the backend stays active.
 */
export function useCpuWebGpu(): Promise<CpuWebGpuResult> {
  cached ??= setUp();
  return cached;
}

async function setUp(): Promise<CpuWebGpuResult> {
  process.env.EGL_PLATFORM ??= 'surfaceless';
  try {
    // The production loader, on Dawn's OpenGL ES backend in compatibility mode.
    await loadWebGpu({ dawn: ['backend=opengles'], featureLevel: 'compatibility' });
    await tf.ready();
  } catch (e) {
    const why = (e as Error).message.split('\n')[0];
    return { ok: false, reason: `${why} (install libegl1 libgles2 libegl-mesa0 libgl1-mesa-dri)` };
  }
  const adapter = webGpuAdapter()!;
  const i = adapter.info ?? {};
  const adapterDesc = [i.vendor, i.architecture, i.device, i.description].filter(Boolean).join(' / ');
  const device = (tf.backend() as any).device;
  return {
    ok: true,
    info: { adapter: adapterDesc, limits: limitsOf(adapter.limits), deviceLimits: limitsOf(device.limits) },
  };
}
