import v8 from 'node:v8';
import { Code, emitModule } from './emit.ts';

function relaxedProbe(): Uint8Array<ArrayBuffer> {
  const body = new Code()
    .get(0)
    .get(0)
    .v128Load()
    .get(0)
    .v128Load()
    .get(0)
    .v128Load()
    .relaxedMadd()
    .v128Store();
  return emitModule([{ name: 'f', params: 1, locals: [], body }]);
}

let relaxed: boolean | undefined;
/**
 * Whether this engine compiles relaxed SIMD, turning V8's flag on if needed: Node 20 (V8 11.3) ships it behind
 * --experimental-wasm-relaxed-simd, which NODE_OPTIONS refuses but v8.setFlagsFromString accepts before compiling.
 */
export function relaxedSimdAvailable(): boolean {
  if (relaxed !== undefined) return relaxed;
  const probe = relaxedProbe();
  if (!WebAssembly.validate(probe)) v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  relaxed = WebAssembly.validate(probe);
  return relaxed;
}
