import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { tf } from './tf.ts';

/**
 * WebGPU through Dawn (the `webgpu` npm package) for machines with a GPU but no libtensorflow.
 * `webgpu` is an optional dependency (132 MB with all platforms' binaries; .ci/run keeps only the
 * host's); where it is absent or finds no GPU adapter the rung is skipped. BENCHMARKS.md#webgpu-through-dawn has the facts this follows:
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

let loadedAdapter: { info?: Record<string, string>; limits?: unknown } | undefined;

/** The adapter tfjs's webgpu backend was loaded on (its full info and limits), for tests and benches. */
export function webGpuAdapter(): typeof loadedAdapter {
  return loadedAdapter;
}

export interface WebGpuOptions {
  /**
   * Dawn's own options, passed to `create()` (node_modules/webgpu/README.md), e.g. `backend=null`
   * for Dawn's null adapter: no GPU, shaders and dispatches accepted and not run, so every value
   * read back is meaningless but every kernel, upload and readback path really executes. That is
   * how test/engine/webgpu-null.test.ts checks the harness on webgpu on machines without a GPU.
   */
  dawn?: string[];
  /**
   * `'compatibility'` asks for a WebGPU compatibility-mode adapter (also when tfjs asks for its
   * own): Dawn's OpenGL ES backend only offers those (harness/engine/testing/webgpu-cpu.ts).
   */
  featureLevel?: 'compatibility';
}

/**
 * Whether Dawn's default (Vulkan) backend finds an adapter, asked in a child process: on a host
 * without a usable GPU, Dawn and the Vulkan ICDs write warnings with stack lines straight to fd 2,
 * which would land in every CLI run's stderr now that `webgpu` is installed by default. Only a host
 * where the child found an adapter creates Dawn in-process. The answer is passed down to workers
 * in the environment, so a run probes once.
 */
const PROBE_ENV = 'DISTILL_BENCH_WEBGPU_PROBE';
const PROBE = `import('webgpu').then(async (d) => { const a = await d.create([]).requestAdapter();
  process.stdout.write(a ? 'adapter' : 'none'); process.exit(0); })`;

function vulkanAdapterFound(): boolean {
  const known = process.env[PROBE_ENV];
  if (known === 'adapter' || known === 'none') return known === 'adapter';
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', PROBE], {
    encoding: 'utf8',
    timeout: 30_000,
    cwd: import.meta.dirname,
  });
  const found = r.status === 0 && r.stdout === 'adapter';
  process.env[PROBE_ENV] = found ? 'adapter' : 'none';
  return found;
}

/** The Dawn backend chosen in `dawn` options, if any ('vulkan', 'null', ...). */
function dawnBackend(dawn: string[]): string | undefined {
  return dawn.find((o) => o.startsWith('backend='))?.slice('backend='.length);
}

/**
 * Throws with the reason when the rung cannot be used; on success the backend is active. The
 * package is imported from a variable so that it stays an optional dependency for the type checker.
 */
export async function loadWebGpu(opts: WebGpuOptions = {}): Promise<void> {
  const pkg = 'webgpu';
  let dawn: any;
  try {
    dawn = await import(pkg);
  } catch {
    throw new Error("package 'webgpu' not installed (optional dependency: npm i webgpu@0.6.2)");
  }
  const options = opts.dawn ?? [];
  const backend = dawnBackend(options);
  // Only the Vulkan backend (Dawn's default on Linux) needs the loader; the null backend needs nothing.
  const vulkan = backend === undefined || backend === 'vulkan';
  const loader = vulkanLoaderPath();
  if (!loader && vulkan) throw new Error('no Vulkan loader (libvulkan.so.1): apt-get install libvulkan1');
  const gpu = vulkan && !vulkanAdapterFound() ? undefined : dawn.create(options);
  if (gpu && opts.featureLevel) {
    const request = gpu.requestAdapter.bind(gpu);
    gpu.requestAdapter = (o: object = {}) => request({ ...o, featureLevel: opts.featureLevel });
  }
  const adapter = await gpu?.requestAdapter();
  if (!adapter) {
    if (!vulkan) throw new Error(`Dawn options [${options.join(', ')}] gave no adapter`);
    const icds = vulkanIcds();
    throw new Error(
      `Vulkan loader at ${loader} but no GPU adapter (ICDs: ${icds.join(', ') || 'none'}); ` +
        "put the GPU driver's library folder (e.g. /usr/local/nvidia/lib64) on LD_LIBRARY_PATH",
    );
  }
  const info = adapter.info ?? {};
  adapterInfo = { vendor: info.vendor, device: info.device };
  loadedAdapter = { info, limits: adapter.limits };
  // tfjs-backend-webgpu registers itself only where it sees a browser-like navigator.gpu.
  Object.assign(globalThis, dawn.globals ?? {});
  (globalThis as any).navigator ??= {};
  (globalThis as any).navigator.gpu = gpu;
  (globalThis as any).window ??= globalThis;
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) throw new Error("tf.setBackend('webgpu') returned false");
}
