import { existsSync, readdirSync } from 'node:fs';
import { tf } from './tf.ts';

/**
 * WebGPU through Dawn (the `webgpu` npm package) for machines with a GPU but no libtensorflow.
 * `webgpu` is an opt-in install (132 MB, all platforms' binaries), so its absence is the common
 * case and just skips the rung. BENCHMARKS.md#webgpu-through-dawn has the facts this follows:
 * Dawn needs the Vulkan loader (libvulkan.so.1) and the driver's library folder on LD_LIBRARY_PATH.
 */
const LOADER_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu'];

export function vulkanLoaderPath(): string | undefined {
  const extra = (process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean);
  for (const dir of [...extra, ...LOADER_DIRS]) {
    const p = `${dir}/libvulkan.so.1`;
    if (existsSync(p)) return p;
  }
  return undefined;
}

export function vulkanIcds(): string[] {
  const dirs = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d'];
  return dirs.flatMap((d) => (existsSync(d) ? readdirSync(d).map((f) => `${d}/${f}`) : []));
}

export interface WebGpuAdapterInfo {
  vendor?: string;
  device?: string;
}

let adapterInfo: WebGpuAdapterInfo | undefined;

export function webGpuAdapterInfo(): WebGpuAdapterInfo | undefined {
  return adapterInfo;
}

/** Throws with the reason when the rung cannot be used; on success the backend is active. */
export async function loadWebGpu(): Promise<void> {
  const pkg = 'webgpu';
  let dawn: any;
  try {
    dawn = await import(pkg);
  } catch {
    throw new Error("package 'webgpu' not installed (opt-in on GPU hosts: npm i webgpu@0.6.2)");
  }
  const loader = vulkanLoaderPath();
  if (!loader) throw new Error('no Vulkan loader (libvulkan.so.1): apt-get install libvulkan1');
  const gpu = dawn.create([]);
  const adapter = await gpu.requestAdapter();
  if (!adapter) {
    const icds = vulkanIcds();
    throw new Error(
      `Vulkan loader at ${loader} but no GPU adapter (ICDs: ${icds.join(', ') || 'none'}); ` +
        "put the GPU driver's library folder (e.g. /usr/local/nvidia/lib64) on LD_LIBRARY_PATH",
    );
  }
  const info = adapter.info ?? {};
  adapterInfo = { vendor: info.vendor, device: info.device };
  // tfjs-backend-webgpu registers itself only where it sees a browser-like navigator.gpu.
  Object.assign(globalThis, dawn.globals ?? {});
  (globalThis as any).navigator ??= {};
  (globalThis as any).navigator.gpu = gpu;
  (globalThis as any).window ??= globalThis;
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) throw new Error("tf.setBackend('webgpu') returned false");
}
