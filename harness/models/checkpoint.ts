import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tf } from '../engine/tf.ts';
import { writeAtomic } from '../fs-atomic.ts';
import { assertSameVocabulary, CharTokenizer } from '../text/tokenizer.ts';
import { type ModelConfig, validateModelConfig } from './config.ts';
import { TransformerLM } from './transformer.ts';

const FORMAT = 'distill-bench-lm/1';

interface CheckpointMeta {
  format: string;
  config: ModelConfig;
  vocabulary: { chars: string[] };
  weights: { name: string; shape: number[]; offset: number; length: number }[];
  extra?: Record<string, unknown>;
}

/** Saves weights (float32, little-endian, one blob) and a JSON config with the vocabulary. */
export async function saveCheckpoint(
  dir: string,
  model: TransformerLM,
  tok: CharTokenizer,
  extra?: Record<string, unknown>,
): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const entries = [...model.weights.entries()];
  const total = entries.reduce((n, [, v]) => n + v.size, 0);
  const blob = new Float32Array(total);
  const weights: CheckpointMeta['weights'] = [];
  const data = await Promise.all(entries.map(([, v]) => v.data()));
  let offset = 0;
  for (const [i, [name, v]] of entries.entries()) {
    blob.set(data[i] as Float32Array, offset);
    weights.push({ name, shape: v.shape, offset, length: v.size });
    offset += v.size;
  }
  writeAtomic(join(dir, 'weights.bin'), new Uint8Array(blob.buffer));
  const meta: CheckpointMeta = {
    format: FORMAT,
    config: model.config,
    vocabulary: tok.toJSON(),
    weights,
    extra,
  };
  writeAtomic(join(dir, 'model.json'), JSON.stringify(meta, null, 1));
}

export function loadCheckpoint(dir: string): {
  model: TransformerLM;
  tokenizer: CharTokenizer;
  extra?: Record<string, unknown>;
} {
  const meta = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as CheckpointMeta;
  if (meta.format !== FORMAT)
    throw new Error(`${dir}/model.json: unknown checkpoint format '${meta.format}'`);
  const buf = readFileSync(join(dir, 'weights.bin'));
  const blob = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  const model = new TransformerLM(validateModelConfig(meta.config, `${dir}/model.json config`), 0);
  for (const w of meta.weights) {
    const v = model.weights.get(w.name);
    if (!v) throw new Error(`${dir}: weight '${w.name}' does not exist in the model`);
    const t = tf.tensor(blob.slice(w.offset, w.offset + w.length), w.shape);
    v.assign(t);
    t.dispose();
  }
  return { model, tokenizer: new CharTokenizer(meta.vocabulary.chars), extra: meta.extra };
}

/**
 * A model from a content-addressed cache directory, or undefined on a miss. A cached model trained
 * with another vocabulary is an error (naming `what`), never silently reused.
 */
export function loadCachedModel(dir: string, tok: CharTokenizer, what: string): TransformerLM | undefined {
  if (!existsSync(join(dir, 'model.json'))) return undefined;
  const { model, tokenizer } = loadCheckpoint(dir);
  assertSameVocabulary(tokenizer, tok, [what, 'this suite']);
  return model;
}

/**
 * Saves into a private directory, then renames it into the cache: a concurrent process sees the whole
 * checkpoint or none, and the loser of a race simply keeps its own copy in memory.
 */
export async function saveCachedModel(
  dir: string,
  model: TransformerLM,
  tok: CharTokenizer,
  extra?: Record<string, unknown>,
): Promise<void> {
  mkdirSync(dirname(dir), { recursive: true });
  const tmp = `${dir}.tmp-${process.pid}`;
  await saveCheckpoint(tmp, model, tok, extra);
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true });
  }
}
