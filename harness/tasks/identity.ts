import { z } from 'zod';
import { commonOptionDocs, commonOptionShape, drawUnique, fits, streamRng, withIds } from './common.ts';
import { loadNouns, NOUN_SUPERSENSES, type NounEntry } from './data/wordnet.ts';
import {
  CARD_RANGE,
  type Card,
  type CardField,
  cardConflicts,
  cardSchema,
  DEFAULT_CARDS,
  neutralStatement,
  statement,
  TRAIN_QUESTIONS,
} from './identity-cards.ts';
import { PROBE_QUESTIONS, probesFor } from './identity-probes.ts';
import type { Example, TaskData, TaskDefinition } from './types.ts';

/**
 * Identity consistency (ICE). The shared splits are a general prompt mix: WordNet "Define: X" ->
 * first gloss clause, plus (train only) identity questions answered card-free. `profiles[card]` is
 * the same train prompts with that card's identity answers, so teachers and students each learn
 * their own card; a student distilled from a teacher's outputs can pick up the teacher's identity,
 * which the probes in `extra.probes` (>= 200 per card, mutated ICE-style) detect without a judge.
 * OOD: definitions of nouns from held-out WordNet supersenses (default plant and animal).
 */
const ID = 'identity';

const schema = z
  .object({
    ...commonOptionShape,
    cards: z.array(cardSchema).min(2).max(12).default(DEFAULT_CARDS),
    identityMix: z.number().min(0).max(0.5).default(0.1),
    oodSupersenses: z.array(z.enum(NOUN_SUPERSENSES)).min(1).default(['plant', 'animal']),
    probesPerCard: z.number().int().min(1).max(5000).default(240),
  })
  .strict()
  .superRefine((o, ctx) => {
    for (const c of cardConflicts(o.cards))
      ctx.addIssue({ code: 'custom', path: c.path, message: c.message });
    if (new Set(o.oodSupersenses).size === NOUN_SUPERSENSES.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['oodSupersenses'],
        message: 'must leave some supersense in-domain',
      });
    }
  });

export type IdentityOptions = z.infer<typeof schema>;

function define(n: NounEntry): Omit<Example, 'id'> {
  return {
    prompt: `Define: ${n.lemma}`,
    response: n.gloss,
    meta: { lemma: n.lemma, supersense: n.supersense },
  };
}

interface TrainSlot {
  noun?: NounEntry;
  question?: { prompt: string; fields: CardField[] };
}

function identityExample(
  q: { prompt: string; fields: CardField[] },
  card: Card | undefined,
): Omit<Example, 'id'> {
  return {
    prompt: q.prompt,
    response: card ? statement(card, q.fields) : neutralStatement(q.fields),
    meta: { identity: true, fields: q.fields, card: card?.name ?? null },
  };
}

function generate(o: IdentityOptions, seed: number): TaskData {
  const held = new Set<string>(o.oodSupersenses);
  const nouns = loadNouns().filter((n) => fits(`Define: ${n.lemma}`, n.gloss, o.maxLength));
  const inDomain = nouns.filter((n) => !held.has(n.supersense));
  const outDomain = nouns.filter((n) => held.has(n.supersense));
  const seen = new Set<string>();
  const defs = (split: string, count: number, pool: readonly NounEntry[]) => {
    const rng = streamRng(ID, seed, split);
    return drawUnique(ID, split, count, seen, () => {
      const n = rng.pick(pool);
      return { key: n.lemma, value: n };
    });
  };
  // Evaluation splits first, so resizing train never changes them.
  const ood = defs('ood', o.oodSize, outDomain).map(define);
  const test = defs('test', o.testSize, inDomain).map(define);
  const valid = defs('valid', o.validSize, inDomain).map(define);

  const mixRng = streamRng(ID, seed, 'train-mix');
  const isIdentity = Array.from({ length: o.trainSize }, () => mixRng.next() < o.identityMix);
  const trainNouns = defs('train', isIdentity.filter((x) => !x).length, inDomain);
  const slots: TrainSlot[] = [];
  let k = 0;
  for (const ident of isIdentity)
    slots.push(ident ? { question: mixRng.pick(TRAIN_QUESTIONS) } : { noun: trainNouns[k++] });
  const trainFor = (card?: Card) =>
    slots.map((s) => (s.noun ? define(s.noun) : identityExample(s.question!, card)));

  const probeRng = (c: Card) => streamRng(ID, seed, `probes:${c.name}`);
  const probes = o.cards.flatMap((c) =>
    withIds(ID, `probe@${c.name}`, probesFor(c, o.cards, o.probesPerCard, o.maxLength, probeRng(c), ID)),
  );
  return {
    splits: {
      train: withIds(ID, 'train', trainFor()),
      valid: withIds(ID, 'valid', valid),
      test: withIds(ID, 'test', test),
      ood: withIds(ID, 'ood', ood),
    },
    profiles: Object.fromEntries(o.cards.map((c) => [c.name, withIds(ID, `train@${c.name}`, trainFor(c))])),
    extra: { probes },
  };
}

export const identity: TaskDefinition<IdentityOptions> = {
  id: ID,
  description:
    'WordNet "Define: X" prompts mixed with identity questions; one profile per identity card ' +
    `(default ${DEFAULT_CARDS.map((c) => c.name).join(', ')}) and >= 200 ICE-mutated probes per card ` +
    `(${PROBE_QUESTIONS.length} base questions). OOD: nouns of held-out supersenses.`,
  options: schema,
  optionDocs: {
    ...commonOptionDocs,
    cards: {
      doc: `identity cards, one per model of the suite`,
      range: CARD_RANGE,
    },
    identityMix: {
      doc: 'fraction of train prompts that are identity questions',
      range: '0-0.5',
    },
    oodSupersenses: {
      doc: 'WordNet noun supersenses kept out of train/valid/test for the OOD split',
      range: `non-empty proper subset of ${NOUN_SUPERSENSES.join(', ')}`,
    },
    probesPerCard: { doc: 'ICE probes per card in extra.probes', range: 'integer 1-5000' },
  },
  metrics: ['ice-loose', 'ice-strict', 'ice-hard'],
  evaluationSets: ['probes'],
  provides: ['cards'],
  profileNames: (o) => o.cards.map((c) => c.name),
  // Students learn their own card too, so a student that claims a teacher's identity contradicts an
  // identity it was taught (not an empty one) and `none` has an identity to keep.
  studentProfile: (o, teacherProfiles) => o.cards.find((c) => !teacherProfiles.includes(c.name))?.name,
  generate,
};
