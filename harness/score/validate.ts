import type { IdentityCard } from '../../metrics/ice.ts';
import { UsageError } from '../errors.ts';
import { unknownNameMessage } from '../registry.ts';
import { type ScoreData, splitOf } from './data.ts';

/**
 * Checks across the inputs that no single row can show: the reference model answered something,
 * and, when ICE is requested (--cards), every model with probe rows has a card. Returns warnings
 * for what is odd but scoreable.
 */
export function checkInputs(
  data: ScoreData,
  files: { responses: string; cards?: string },
  cards: readonly IdentityCard[] | undefined,
): string[] {
  const warnings: string[] = [];
  if (!data.models.includes(data.reference)) {
    throw new UsageError(
      `--reference-model: ${unknownNameMessage('model', data.reference, data.models)} (models in ${files.responses}, field 'model').`,
      { file: files.responses, field: '--reference-model' },
    );
  }
  const probes = data.rows.filter((r) => splitOf(r) === 'probes');
  if (cards) {
    for (const model of data.models) {
      const first = probes.find((r) => r.model === model);
      if (!first || cards.some((c) => c.model === model)) continue;
      throw new UsageError(
        `${files.responses}:${first.line}: field 'model': '${model}' has identity-probe rows but no card in ${files.cards} ` +
          `(cards: ${cards.map((c) => c.model).join(', ')}). Fix: add a card {model: ${model}, name, maker} to ${files.cards}.`,
        { file: files.responses, line: first.line, field: 'model' },
      );
    }
    if (probes.length === 0)
      warnings.push(`--cards given but ${files.responses} has no probe rows (field 'probe'): no ICE scores.`);
  } else if (probes.length) {
    warnings.push(
      `${probes.length} probe rows but no --cards: ICE not scored. Pass --cards with a card per model to score them.`,
    );
  }
  // The same prompt id should carry the same prompt for every model, else the rows are misaligned.
  let mismatched = 0;
  let example = '';
  for (const answers of data.byPrompt.values()) {
    const rows = [...answers.values()];
    const bad = rows.find((r) => r.prompt !== rows[0].prompt);
    if (bad) {
      mismatched++;
      example ||= `prompt_id '${bad.promptId}' (lines ${rows[0].line} and ${bad.line})`;
    }
  }
  if (mismatched)
    warnings.push(
      `${mismatched} prompt id(s) carry different prompt texts across models, e.g. ${example}: check the rows are aligned.`,
    );
  const refTest = data.rows.some((r) => r.model === data.reference && splitOf(r) === 'test');
  if (!refTest) warnings.push(`reference model '${data.reference}' has no non-probe rows: no RSE scores.`);
  return warnings;
}
