'use strict';
/*
 * The pthread worker of tfjs-backend-wasm's threaded binary, as a file Node's worker_threads can start
 * (harness/engine/wasm-threads.ts). tfjs ships the script only as a string for browser Blob URLs, and
 * that string's "\n" escapes arrive as real newlines inside string literals, hence the replace (tfjs's
 * own browser loader does the same). `require` and `__filename` are the script's free variables.
 */
const {
  wasmWorkerContents,
} = require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js');
new Function('require', '__filename', wasmWorkerContents.replace(/\n/g, '\\n'))(require, __filename);
