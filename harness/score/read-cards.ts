import { LineCounter, parseDocument } from 'yaml';
import type { IdentityCard } from '../../metrics/ice.ts';
import { clip } from '../core/sanitize.ts';
import { UsageError } from '../errors.ts';
import { readUserText } from '../read-text.ts';
import { MAX_ALIAS_COUNT } from '../runner/suite-parse.ts';
import { cardFactsSchema, cardWithModelSchema } from './input-schema.ts';

/**
 * Identity cards for ICE, from JSON or YAML (JSON is read as YAML, which gives line numbers for
 * both). Three shapes are accepted:
 *   cards: [{model, name, maker, ...}]     [{model, name, maker, ...}]     {<model>: {name, maker, ...}}
 * Every string field other than `model` is an identity fact (name and maker are required; country,
 * version and the like are optional and checked like the others).
 */

export interface CardSet {
  file: string;
  cards: IdentityCard[];
  text: string;
}

type Path = (string | number)[];

export function readCards(file: string): CardSet {
  const text = readUserText(file, 'identity-card file');
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length) {
    const e = doc.errors[0];
    const line = e.linePos?.[0].line ?? 1;
    throw new UsageError(`${file}:${line}: not valid JSON/YAML (${clip(e.message.split('\n')[0], 300)}).`, {
      file,
      line,
    });
  }
  const lineOf = (path: Path): number => {
    for (let k = path.length; k >= 0; k--) {
      const node = doc.getIn(path.slice(0, k), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return lineCounter.linePos(node.range[0]).line;
    }
    return 1;
  };
  const bad = (path: Path, message: string): never => {
    const field = path.map(String).join('.');
    const line = lineOf(path);
    throw new UsageError(
      `${file}:${line}: field '${field}': ${message}. Fix: each card needs a model, a name and a maker (strings).`,
      {
        file,
        line,
        field,
      },
    );
  };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    // Alias bombs, undefined aliases, nesting too deep for the converter.
    throw new UsageError(
      `${file}: cannot read the cards (${clip(String((err as Error).message ?? err), 200)}). Fix: write the cards out without YAML aliases.`,
      { file },
    );
  }
  const entries: { path: Path; value: unknown; model?: string }[] = [];
  if (Array.isArray(data)) data.forEach((value, i) => entries.push({ path: [i], value }));
  else if (data && typeof data === 'object' && Array.isArray((data as { cards?: unknown }).cards))
    (data as { cards: unknown[] }).cards.forEach((value, i) => entries.push({ path: ['cards', i], value }));
  else if (data && typeof data === 'object')
    for (const [model, value] of Object.entries(data)) entries.push({ path: [model], value, model });
  else bad([], 'expected a list of cards or a mapping from model to card');

  const cards: IdentityCard[] = [];
  const where = new Map<string, number>();
  for (const { path, value, model } of entries) {
    if (!value || typeof value !== 'object' || Array.isArray(value))
      bad(path, 'expected a mapping of identity facts');
    const r = model === undefined ? cardWithModelSchema.safeParse(value) : cardFactsSchema.safeParse(value);
    if (!r.success) {
      const iss = r.error.issues[0];
      const missing =
        iss.code === 'invalid_type' && (value as Record<string, unknown>)[String(iss.path[0])] === undefined;
      bad([...path, ...(iss.path as Path)], missing ? 'is missing' : iss.message);
    }
    const card = {
      ...(r.data as Record<string, string>),
      ...(model === undefined ? {} : { model }),
    } as IdentityCard;
    const prev = where.get(card.model);
    if (prev !== undefined) bad(path, `model '${card.model}' has a card already (line ${prev})`);
    where.set(card.model, lineOf(path));
    cards.push(card);
  }
  if (cards.length === 0) bad([], 'no cards');
  return { file, cards, text };
}
