import { createRequire } from 'node:module';
import { cpus, totalmem } from 'node:os';
import { tf } from './tf.ts';
import { vulkanIcds, vulkanLoaderPath, webGpuAdapterInfo } from './webgpu.ts';

const require = createRequire(import.meta.url);

function version(pkg: string): string | null {
  try {
    return (require(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return null;
  }
}

/** Facts about this machine and the tfjs stack, for `doctor` and every run's manifest. */
export function deviceInfo(): Record<string, unknown> {
  const wasm = tf.getBackend() === 'wasm';
  return {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: +(totalmem() / 2 ** 30).toFixed(1),
    tfjs: version('@tensorflow/tfjs'),
    tfjsBackendWasm: version('@tensorflow/tfjs-backend-wasm'),
    tfjsBackendWebgpu: version('@tensorflow/tfjs-backend-webgpu'),
    tfjsNode: version('@tensorflow/tfjs-node'),
    tfjsNodeGpu: version('@tensorflow/tfjs-node-gpu'),
    webgpuPackage: version('webgpu'),
    wasmSimd: wasm ? tf.env().getBool('WASM_HAS_SIMD_SUPPORT') : null,
    wasmThreads: wasm ? tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') : null,
    vulkanLoader: vulkanLoaderPath() ?? null,
    vulkanIcds: vulkanIcds(),
    gpu: webGpuAdapterInfo() ?? null,
  };
}
