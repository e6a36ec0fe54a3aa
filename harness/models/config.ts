import { z } from 'zod';
import { UsageError } from '../errors.ts';

/** Decoder-only transformer configuration. Sizes are suite options, never constants. */
export const ModelConfigSchema = z
  .object({
    vocabSize: z.number().int().min(2).max(65536),
    dModel: z.number().int().min(4).max(4096),
    layers: z.number().int().min(1).max(64),
    heads: z.number().int().min(1).max(64),
    dFF: z.number().int().min(4).max(16384),
    maxLen: z.number().int().min(2).max(4096),
    positions: z.enum(['learned', 'sinusoidal']).default('learned'),
  })
  .strict();

export type ModelConfig = z.infer<typeof ModelConfigSchema>;

/** Named sizes (BENCHMARKS.md#model-presets; vocab comes from the suite's tokenizer). */
export const MODEL_PRESETS = {
  nano: { dModel: 32, layers: 1, heads: 2, dFF: 128 },
  tiny: { dModel: 64, layers: 2, heads: 4, dFF: 256 },
  small: { dModel: 128, layers: 2, heads: 4, dFF: 512 },
  med: { dModel: 256, layers: 4, heads: 4, dFF: 1024 },
} as const;
export type PresetName = keyof typeof MODEL_PRESETS;

/** Validates a config; errors name the field, the bad value and the fix (exit 2 through the CLI). */
export function validateModelConfig(raw: unknown, where = 'model'): ModelConfig {
  const parsed = ModelConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = `${where}.${issue.path.join('.')}`;
    throw new UsageError(`${field}: ${issue.message}. Fix: give ${field} a value in the allowed range.`, {
      field,
    });
  }
  const c = parsed.data;
  if (c.dModel % c.heads !== 0) {
    throw new UsageError(
      `${where}.dModel (${c.dModel}) is not divisible by ${where}.heads (${c.heads}). ` +
        `Fix: choose heads among ${divisors(c.dModel).join(', ')}, or change dModel.`,
      { field: `${where}.heads` },
    );
  }
  return c;
}

function divisors(n: number): number[] {
  return Array.from({ length: Math.min(n, 64) }, (_, i) => i + 1).filter((d) => n % d === 0);
}

/** Parameter count from the architecture alone (checked against the built model in tests). */
export function parameterCount(c: ModelConfig): number {
  const { vocabSize: V, dModel: D, layers: L, dFF: F, maxLen: T } = c;
  const perLayer = 4 * (D * D + D) + 2 * 2 * D + (D * F + F) + (F * D + D);
  const pos = c.positions === 'learned' ? T * D : 0;
  return V * D + pos + L * perLayer + 2 * D + D * V + V;
}
