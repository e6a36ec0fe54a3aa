import { z } from 'zod';

/**
 * The input of `distill-bench score`: recorded responses (one row per prompt × model) and identity
 * cards. Published for editors as schemas/responses.schema.json; input-schema.test.ts keeps the two
 * in step.
 */

/** Columns every row must have. */
export const REQUIRED_FIELDS = ['prompt_id', 'prompt', 'model', 'response'] as const;
/** Columns a row may have; any other column is kept out of the scores (metadata is allowed). */
export const OPTIONAL_FIELDS = ['reference', 'dataset', 'probe', 'template'] as const;

/** Dataset name of rows that have none. */
export const DEFAULT_DATASET = 'default';
/** Task name of the macro-average rows in the run directory; no dataset may use it. */
export const MACRO_TASK = 'macro';

const id = z.union([z.string().min(1, 'must not be empty'), z.number()]).transform(String);
/** Optional text: an empty CSV cell or null means "absent". */
const optionalText = z
  .union([z.string(), z.number(), z.null()])
  .optional()
  .transform((v) => (v === null || v === undefined || v === '' ? undefined : String(v)));

export const responseRowSchema = z
  .object({
    prompt_id: id,
    prompt: z.string(),
    model: z.string().min(1, 'must not be empty'),
    // A failed call recorded as null counts as an empty response (ICE's denominator keeps it).
    response: z
      .string()
      .nullable()
      .transform((v) => v ?? ''),
    // A JSONL gold answer may be a number ({"reference": 8}); it is compared as its decimal string.
    reference: z
      .union([z.string(), z.number(), z.null()])
      .optional()
      .transform((v) => (v === null || v === undefined ? undefined : String(v))),
    dataset: optionalText,
    probe: optionalText,
    template: optionalText,
  })
  .passthrough();

/** One validated row, with where it came from. */
export interface ResponseRow {
  /** 1-based line of the row in its file (a CSV record: its first line). */
  line: number;
  promptId: string;
  prompt: string;
  model: string;
  response: string;
  /** Gold answer, when the dataset has one (accuracy, WER). */
  reference?: string;
  dataset: string;
  /** Identity-probe id: its presence makes the row an ICE row (split `probes`). */
  probe?: string;
  /** Jailbreak template (text or id) the probe was wrapped in. */
  template?: string;
}

const fact = z.string().min(1, 'must not be empty');

/** Identity facts of one model: name and maker required, any other string field is a fact too. */
export const cardFactsSchema = z
  .object({ name: fact, maker: fact })
  .catchall(z.union([z.string(), z.number()]).transform(String));

export const cardWithModelSchema = cardFactsSchema.extend({ model: fact });

export type CardFacts = z.infer<typeof cardFactsSchema>;
