import { z } from 'zod';
import type { Rng } from '../engine/rng.ts';
import {
  type Expr,
  formatExpr,
  formatRationale,
  OPERATORS,
  type Op,
  PROFILE_NAMES,
  type ProfileName,
  parsePrompt,
  solve,
} from './arith-profiles.ts';
import { commonOptionDocs, commonOptionShape, drawUnique, fits, streamRng, withIds } from './common.ts';
import type { Example, TaskData, TaskDefinition } from './types.ts';

/**
 * Arithmetic with worked rationales and rule-biased teachers. Prompt `37+48*2=`, response
 * `48*2=96;37+96=133#133`: steps in the order the solver takes them, `;`-separated, then `#` and the
 * answer. Each teacher profile's training data is the same prompts solved with one blind spot
 * (arith-profiles.ts), and every example records which profiles get it right.
 *
 * OOD has two kinds, interleaved: `digits` (at least one operand longer than maxDigits, up to
 * oodMaxDigits) and `operators` (the held-out ordered operator pair, e.g. `a-b*c`, which in-domain
 * 3-operand expressions never contain).
 */
const ID = 'arithmetic-rationales';
const OOD_KINDS = ['digits', 'operators'] as const;

const digits = (d: number) => z.number().int().min(1).max(5).default(d);

const schema = z
  .object({
    ...commonOptionShape,
    minDigits: digits(1),
    maxDigits: digits(2),
    oodMaxDigits: digits(3),
    minOperands: z.number().int().min(2).max(3).default(2),
    maxOperands: z.number().int().min(2).max(3).default(3),
    operators: z.array(z.enum(OPERATORS)).min(1).default(['+', '-', '*']),
    heldOutPair: z
      .string()
      .regex(/^[-+*]{2}$/, 'must be two operator characters such as "-*"')
      .default('-*'),
    oodKinds: z.array(z.enum(OOD_KINDS)).min(1).default(['digits', 'operators']),
    profiles: z.array(z.enum(PROFILE_NAMES)).default([...PROFILE_NAMES]),
    offByOneThreshold: z.number().int().min(0).max(1_000_000).default(50),
    shortOnlyDigits: z.number().int().min(1).max(4).default(2),
  })
  .strict()
  .superRefine((o, ctx) => {
    const bad = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (o.minDigits > o.maxDigits)
      bad('minDigits', `minDigits (${o.minDigits}) exceeds maxDigits (${o.maxDigits})`);
    if (o.minOperands > o.maxOperands) {
      bad('minOperands', `minOperands (${o.minOperands}) exceeds maxOperands (${o.maxOperands})`);
    }
    if (new Set(o.operators).size !== o.operators.length) bad('operators', 'operators must not repeat');
    if (new Set(o.profiles).size !== o.profiles.length) bad('profiles', 'profiles must not repeat');
    if (o.oodKinds.includes('digits') && o.oodMaxDigits <= o.maxDigits) {
      bad(
        'oodMaxDigits',
        `oodMaxDigits (${o.oodMaxDigits}) must exceed maxDigits (${o.maxDigits}) when oodKinds has "digits"`,
      );
    }
    if (o.oodKinds.includes('operators')) {
      if (o.maxOperands < 3) {
        bad(
          'maxOperands',
          'oodKinds includes "operators" (held-out a-b*c style pairs), which needs maxOperands 3; or set oodKinds ["digits"]',
        );
      }
      for (const c of o.heldOutPair) {
        if (!o.operators.includes(c as Op))
          bad('heldOutPair', `heldOutPair uses '${c}', which is not in operators`);
      }
    }
  });

export type ArithmeticOptions = z.infer<typeof schema>;
type Kind = 'in-domain' | (typeof OOD_KINDS)[number];

function drawNumber(rng: Rng, d: number): number {
  return d === 1 ? rng.int(0, 9) : rng.int(10 ** (d - 1), 10 ** d - 1);
}

function hasPair(e: Expr, pair: string): boolean {
  return e.ops.join('') === pair;
}

/** An expression of the given kind, or undefined when the draw does not belong to it. */
function drawExpr(rng: Rng, o: ArithmeticOptions, kind: Kind): Expr | undefined {
  const holdPair = o.oodKinds.includes('operators');
  const n = kind === 'operators' ? 3 : rng.int(o.minOperands, o.maxOperands);
  const ops = Array.from({ length: n - 1 }, () => rng.pick(o.operators));
  const top = kind === 'digits' ? o.oodMaxDigits : o.maxDigits;
  const lens = Array.from({ length: n }, () => rng.int(o.minDigits, top));
  if (kind === 'operators') ops.splice(0, 2, o.heldOutPair[0] as Op, o.heldOutPair[1] as Op);
  if (kind === 'digits' && !lens.some((d) => d > o.maxDigits))
    lens[rng.int(0, n - 1)] = rng.int(o.maxDigits + 1, top);
  const e = { operands: lens.map((d) => drawNumber(rng, d)), ops };
  // Kinds stay disjoint: in-domain and digits-OOD never contain the held-out pair.
  if (kind !== 'operators' && holdPair && hasPair(e, o.heldOutPair)) return undefined;
  return e;
}

function params(o: ArithmeticOptions) {
  return { offByOneThreshold: o.offByOneThreshold, shortOnlyDigits: o.shortOnlyDigits };
}

function example(e: Expr, o: ArithmeticOptions, kind: Kind): Omit<Example, 'id'> {
  const p = params(o);
  const gold = solve(e, 'gold', p);
  const profileAnswers: Record<string, string> = {};
  for (const name of o.profiles) profileAnswers[name] = String(solve(e, name, p).answer);
  return {
    prompt: `${formatExpr(e)}=`,
    response: formatRationale(gold.steps, gold.answer),
    meta: {
      answer: String(gold.answer),
      expression: formatExpr(e),
      kind,
      correctProfiles: o.profiles.filter((n) => profileAnswers[n] === String(gold.answer)),
      profileAnswers,
    },
  };
}

/** What a program teacher answers: the prompt re-parsed and solved by the same step machine as the data. */
function solvePrompt(o: ArithmeticOptions, prompt: string, profile?: string): string {
  const e = parsePrompt(prompt);
  if (!e)
    throw new Error(
      `${ID}: cannot solve '${prompt.slice(0, 40)}': not an expression prompt such as '37+48*2='`,
    );
  if (profile !== undefined && !(PROFILE_NAMES as readonly string[]).includes(profile))
    throw new Error(`${ID}: no solver profile '${profile}' (profiles: ${PROFILE_NAMES.join(', ')})`);
  const s = solve(e, (profile as ProfileName | undefined) ?? 'gold', params(o));
  return formatRationale(s.steps, s.answer);
}

/** The same prompt solved by a profile: its training target. */
function profileExample(ex: Omit<Example, 'id'>, e: Expr, o: ArithmeticOptions, name: ProfileName) {
  const s = solve(e, name, params(o));
  return { ...ex, response: formatRationale(s.steps, s.answer), meta: { ...ex.meta, profile: name } };
}

function generate(o: ArithmeticOptions, seed: number): TaskData {
  const seen = new Set<string>();
  const draw = (split: string, count: number, kindOf: (slot: number) => Kind) => {
    const rng = streamRng(ID, seed, split);
    return drawUnique(ID, split, count, seen, (slot) => {
      const kind = kindOf(slot);
      const e = drawExpr(rng, o, kind);
      if (!e) return undefined;
      const ex = example(e, o, kind);
      // Every profile's rationale must fit too, since each is some teacher's training target.
      const longest = Math.max(
        ex.response.length,
        ...o.profiles.map((n) => profileExample(ex, e, o, n).response.length),
      );
      if (!fits(ex.prompt, 'x'.repeat(longest), o.maxLength)) return undefined;
      return { key: ex.prompt, value: { e, ex } };
    });
  };
  const inDomain = () => 'in-domain' as const;
  // Evaluation splits first, so resizing train never changes them.
  const ood = draw('ood', o.oodSize, (slot) => o.oodKinds[slot % o.oodKinds.length]);
  const test = draw('test', o.testSize, inDomain);
  const valid = draw('valid', o.validSize, inDomain);
  const train = draw('train', o.trainSize, inDomain);
  const ids = (split: string, xs: { ex: Omit<Example, 'id'> }[]) =>
    withIds(
      ID,
      split,
      xs.map((x) => x.ex),
    );
  return {
    splits: {
      train: ids('train', train),
      valid: ids('valid', valid),
      test: ids('test', test),
      ood: ids('ood', ood),
    },
    profiles: Object.fromEntries(
      o.profiles.map((n) => [
        n,
        withIds(
          ID,
          `train@${n}`,
          train.map(({ e, ex }) => profileExample(ex, e, o, n)),
        ),
      ]),
    ),
  };
}

export const arithmeticRationales: TaskDefinition<ArithmeticOptions> = {
  id: ID,
  description:
    'Integer expressions (2-3 operands, + - *) answered with a worked rationale then `#answer`; teacher profiles ' +
    'with systematic blind spots (no-carry, no-precedence, off-by-one, short-only). OOD: longer numbers, a held-out operator pair.',
  options: schema,
  optionDocs: {
    ...commonOptionDocs,
    minDigits: { doc: 'fewest digits per in-domain operand', range: 'integer 1-5, <= maxDigits' },
    maxDigits: { doc: 'most digits per in-domain operand', range: 'integer 1-5, >= minDigits' },
    oodMaxDigits: {
      doc: 'most digits per OOD operand; digits-OOD examples have an operand longer than maxDigits',
      range: 'integer 1-5, > maxDigits',
    },
    minOperands: { doc: 'fewest operands', range: 'integer 2-3' },
    maxOperands: { doc: 'most operands', range: 'integer 2-3' },
    operators: { doc: 'operators used', range: "non-empty subset of '+', '-', '*'" },
    heldOutPair: {
      doc: "ordered operator pair kept out of in-domain 3-operand expressions, OOD only ('-*' means a-b*c)",
      range: 'two of + - * (both in operators)',
    },
    oodKinds: {
      doc: 'kinds of OOD example, interleaved',
      range: "non-empty subset of 'digits', 'operators'",
    },
    profiles: {
      doc: 'teacher profiles to generate, each with its own train data and per-example answers',
      range: `list of distinct: ${PROFILE_NAMES.join(', ')}`,
    },
    offByOneThreshold: {
      doc: 'off-by-one: step results above this come out one too high',
      range: 'integer 0-1000000',
    },
    shortOnlyDigits: {
      doc: 'short-only: operands longer than this are read as their leading digits',
      range: 'integer 1-4',
    },
  },
  metrics: ['accuracy', 'gold-nll'],
  provides: ['profile-answers'],
  profileNames: (o) => [...o.profiles],
  generate,
  solvePrompt,
  extractAnswer(response: string): string {
    const at = response.lastIndexOf('#');
    return (at >= 0 ? response.slice(at + 1) : response).trim();
  },
  answerOnly(response: string): string {
    const at = response.lastIndexOf('#');
    return at >= 0 ? response.slice(at) : `#${response.trim()}`;
  },
};
