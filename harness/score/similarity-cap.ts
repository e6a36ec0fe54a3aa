import type { ResponseRow } from './input-schema.ts';

/**
 * The similarity metrics of score mode (RSE's ROUGE-L, chrF and BLEU against the reference model,
 * homogenization's pairwise ROUGE-L) take time quadratic in response length: two 1 MB responses
 * would take hours. They compare at most the first MAX_SIMILARITY_CHARS characters of each
 * response (about 2,000 English words, 30-50 ms a pair); every other metric reads the whole text.
 * score warns with the number of responses cut (README, "Input limits").
 */
export const MAX_SIMILARITY_CHARS = 10_000;

/** The part of a response the similarity metrics compare (never half a surrogate pair). */
export function forSimilarity(text: string): string {
  if (text.length <= MAX_SIMILARITY_CHARS) return text;
  const cut = text.slice(0, MAX_SIMILARITY_CHARS);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}

/** The warning for responses longer than the cap, or undefined when none is. */
export function similarityCapWarning(rows: readonly ResponseRow[]): string | undefined {
  const long = rows.filter((r) => r.probe === undefined && r.response.length > MAX_SIMILARITY_CHARS);
  if (long.length === 0) return undefined;
  const first = long[0];
  return (
    `${long.length} response(s) are longer than ${MAX_SIMILARITY_CHARS} characters (the first: model '${first.model}', ` +
    `prompt_id '${first.promptId}', ${first.response.length} characters): RSE similarity (ROUGE-L, chrF, BLEU) and ` +
    `pairwise homogenization compare their first ${MAX_SIMILARITY_CHARS} characters, as their cost grows with the square of the length.`
  );
}
