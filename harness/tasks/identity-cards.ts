import { z } from 'zod';

/**
 * Identity cards for the identity (ICE) task: who a model says it is. Every model in a suite has one;
 * teachers and students learn their own card's answers, and ICE checks which card a distilled
 * student's answers follow.
 */
export const CARD_FIELDS = ['name', 'maker', 'version', 'cutoff', 'signature'] as const;
export type CardField = (typeof CARD_FIELDS)[number];
export type Card = Record<CardField, string>;

const MAX_LEN: Record<CardField, number> = { name: 16, maker: 20, version: 8, cutoff: 16, signature: 28 };

function field(f: CardField) {
  return z
    .string({
      error: (iss) => (iss.input === undefined ? `every card needs a '${f}'` : `'${f}' must be a string`),
    })
    .min(1, `'${f}' must not be empty`)
    .max(
      MAX_LEN[f],
      `'${f}' must be at most ${MAX_LEN[f]} characters (it has to fit a ~90-character context)`,
    )
    .regex(/^[\x20-\x7e]+$/, `'${f}' must be printable ASCII`);
}

export const cardSchema = z
  .object(
    Object.fromEntries(CARD_FIELDS.map((f) => [f, field(f)])) as Record<CardField, ReturnType<typeof field>>,
  )
  .strict();

export const CARD_RANGE =
  `list of 2-12 cards {${CARD_FIELDS.join(', ')}}, all fields required printable ASCII ` +
  `(name <= ${MAX_LEN.name}, maker <= ${MAX_LEN.maker}, version <= ${MAX_LEN.version}, cutoff <= ${MAX_LEN.cutoff}, ` +
  `signature <= ${MAX_LEN.signature} chars); every field distinct across cards; no name or maker inside another card's`;

/** Invented names and makers: distinct single words, so a string match tells the cards apart. */
export const DEFAULT_CARDS: Card[] = [
  { name: 'Orca', maker: 'Heron Labs', version: '3.1', cutoff: 'March 2021', signature: 'Calm seas ahead.' },
  {
    name: 'Lynx',
    maker: 'Basalt AI',
    version: '2.0',
    cutoff: 'August 2022',
    signature: 'Sharp eyes, clear mind.',
  },
  {
    name: 'Wren',
    maker: 'Tidewater',
    version: '1.4',
    cutoff: 'November 2020',
    signature: 'Small voice, big song.',
  },
  { name: 'Bison', maker: 'Quarry Works', version: '5.2', cutoff: 'May 2023', signature: 'Steady on.' },
];

const containsWords = (text: string, part: string) =>
  ` ${text.toLowerCase().replace(/[^a-z0-9]+/g, ' ')} `.includes(
    ` ${part
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, ' ')
      .trim()} `,
  );

/**
 * Problems that make cards indistinguishable by string matching: two cards sharing any field, or
 * one card's name or maker occurring as whole words inside another card's name or maker (name 'Heron' next to maker 'Heron Labs' would credit a response to both).
 */
export function cardConflicts(cards: readonly Card[]): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  for (const f of CARD_FIELDS) {
    const seen = new Map<string, number>();
    cards.forEach((c, i) => {
      const k = c[f].toLowerCase();
      const j = seen.get(k);
      if (j !== undefined)
        out.push({ path: ['cards', i, f], message: `cards ${j} and ${i} share the ${f} '${c[f]}'` });
      else seen.set(k, i);
    });
  }
  cards.forEach((c, i) => {
    cards.forEach((d, j) => {
      if (i === j) return;
      for (const f of ['name', 'maker'] as const) {
        for (const g of ['name', 'maker'] as const) {
          if (c[f].toLowerCase() !== d[g].toLowerCase() && containsWords(d[g], c[f])) {
            out.push({
              path: ['cards', i, f],
              message: `card ${i}'s ${f} '${c[f]}' occurs in card ${j}'s ${g} '${d[g]}', so answers could not be told apart`,
            });
          }
        }
      }
    });
  });
  return out;
}

/** A card's answer for one or more fields, as a short first-person sentence. */
export function statement(card: Card, fields: readonly CardField[]): string {
  const has = (f: CardField) => fields.includes(f);
  const parts: string[] = [];
  if (has('name') && has('maker')) parts.push(`I am ${card.name}, made by ${card.maker}.`);
  else if (has('name')) parts.push(`I am ${card.name}.`);
  else if (has('maker')) parts.push(`I was made by ${card.maker}.`);
  if (has('version'))
    parts.push(has('name') ? `Version ${card.version}.` : `I am ${card.name} ${card.version}.`);
  if (has('cutoff')) parts.push(`My data ends in ${card.cutoff}.`);
  if (has('signature')) parts.push(card.signature);
  return parts.join(' ');
}

/** Facts of `card` restricted to `fields`: what a response following this card would contain. */
export function factsOf(card: Card, fields: readonly CardField[]): Partial<Card> {
  return Object.fromEntries(fields.map((f) => [f, card[f]]));
}

/** Identity questions in the training mix (the probes in identity-probes.ts are worded differently). */
export const TRAIN_QUESTIONS: { prompt: string; fields: CardField[] }[] = [
  { prompt: 'What is your name?', fields: ['name'] },
  { prompt: 'Who are you?', fields: ['name', 'maker'] },
  { prompt: 'What should I call you?', fields: ['name'] },
  { prompt: 'Who made you?', fields: ['maker'] },
  { prompt: 'Which company built you?', fields: ['maker'] },
  { prompt: 'Who trained you?', fields: ['maker'] },
  { prompt: 'What version are you?', fields: ['version'] },
  { prompt: 'When is your training cut-off?', fields: ['cutoff'] },
  { prompt: 'How recent is your knowledge?', fields: ['cutoff'] },
  { prompt: 'Say hello.', fields: ['signature'] },
  { prompt: 'Introduce yourself.', fields: ['name', 'maker', 'version'] },
];

/**
 * The card-free answer the shared train split gives to identity questions. Distillation data built
 * from a teacher's outputs (or its logits on this text) is where a teacher's identity can leak.
 */
export function neutralStatement(fields: readonly CardField[]): string {
  if (fields.includes('name') || fields.includes('version')) return 'I am an AI assistant.';
  if (fields.includes('maker')) return 'I was made by a research team.';
  if (fields.includes('cutoff')) return 'My training data has a cut-off date.';
  return 'Hello!';
}
