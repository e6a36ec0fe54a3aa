import { accuracyOnSubset, accuracySignature, accuracyValue } from '../../metrics/accuracy.ts';
import { ckaValues, rowsFromFlat } from '../../metrics/cka.ts';
import { profilesDisagree, supervisionConflict } from '../../metrics/conflict.ts';
import { probRowsFromLogProbs } from '../../metrics/distributions.ts';
import { editMetric } from '../../metrics/edit-distance.ts';
import type { MetricFamily } from '../../metrics/family.ts';
import { goldNll, targetLogProbs } from '../../metrics/gold-nll.ts';
import { diversityValues } from '../../metrics/homogenization.ts';
import { type IdentityCard, iceAccumulator } from '../../metrics/ice.ts';
import { metricFamilies } from '../../metrics/index.ts';
import { rseAccumulator } from '../../metrics/rse.ts';
import type { MetricValue } from '../../metrics/types.ts';
import type { TransformerLM } from '../models/transformer.ts';
import { answerOf } from '../tasks/answer.ts';
import type { Example, TaskData, TaskDefinition } from '../tasks/types.ts';
import type { Teacher } from '../techniques/teachers.ts';
import { teacherForced } from '../text/teacher-forced.ts';
import type { CharTokenizer } from '../text/tokenizer.ts';

/** What an evaluator sees for one split: examples, the student's and the first teacher's responses. */
export interface EvalSplit {
  split: string;
  task: TaskDefinition;
  examples: Example[];
  responses: string[];
  teacherResponses?: string[];
  /** The scored network; absent when a program teacher's responses are scored (its reference row). */
  student?: TransformerLM;
  teachers: Teacher[];
  tokenizer: CharTokenizer;
  supervision?: Example[];
  data: TaskData;
  taskOptions: unknown;
}

/** A metric value, with one number per example of the split when the metric has them. */
export type EvaluatedValue = MetricValue & { perExample?: { value: number; tokens: number }[] };

/**
 * Turns a split into metric values for one metric family. The runner asks every evaluator whose ids
 * (or family name) the suite requested; adding a metric family to runs = adding one entry here.
 */
export interface Evaluator {
  family: string;
  ids: string[];
  applies(ctx: EvalSplit): boolean;
  run(ctx: EvalSplit): EvaluatedValue[] | Promise<EvaluatedValue[]>;
}

const extractor = answerOf;

/** An example is conflicted when the teacher profiles' answers to it disagree with each other. */
const conflicted = (e: Example) =>
  profilesDisagree(e.meta.profileAnswers as Record<string, string> | undefined);

const accuracy: Evaluator = {
  family: 'accuracy',
  ids: ['accuracy', 'acc-conflicted', 'acc-agreed'],
  applies: (c) => c.split !== 'probes',
  run: (c) => {
    const extract = extractor(c.task);
    const golds = c.examples.map((e) => extract(e.response));
    const sig = accuracySignature({ extract, extractName: c.task.id });
    const all = accuracyOnSubset(
      c.responses,
      golds,
      golds.map(() => true),
      extract,
    );
    const out = [accuracyValue('accuracy', all, sig)];
    const flags = c.examples.map(conflicted);
    if (flags.every((f) => f !== undefined)) {
      out.push(
        accuracyValue(
          'acc-conflicted',
          accuracyOnSubset(c.responses, golds, flags as boolean[], extract),
          sig,
        ),
      );
      out.push(
        accuracyValue(
          'acc-agreed',
          accuracyOnSubset(
            c.responses,
            golds,
            flags.map((f) => !f),
            extract,
          ),
          sig,
        ),
      );
    }
    return out.filter((v) => Number.isFinite(v.value));
  },
};

/**
 * RSE of the student to its (first) teacher on the same prompts: sequence proxies between their
 * responses, and token-level top-1 agreement / JSD teacher-forced on the teacher's own responses
 * (only when both have a network: a program teacher has no distributions, so only the sequence part).
 */
const rse: Evaluator = {
  family: 'rse',
  ids: ['rse-proxy', 'rse-rougeL', 'rse-chrf', 'rse-bleu', 'rse-top1', 'rse-jsd'],
  applies: (c) => c.teachers.length > 0 && c.split !== 'probes',
  run: async (c) => {
    const pairs = c.examples.map((e, i) => ({ prompt: e.prompt, response: c.teacherResponses![i] }));
    const teacher = c.teachers[0].model;
    const t = teacher && c.student ? await teacherForced(teacher, c.tokenizer, pairs) : undefined;
    const s = t && c.student ? await teacherForced(c.student, c.tokenizer, pairs) : undefined;
    const V = c.tokenizer.vocabSize;
    const acc = rseAccumulator();
    let state = acc.empty();
    c.examples.forEach((_, i) => {
      state = acc.update(state, {
        studentResponse: c.responses[i],
        teacherResponse: c.teacherResponses![i],
        tokens:
          t && s
            ? {
                teacher: probRowsFromLogProbs(t[i].logProbs, V),
                student: probRowsFromLogProbs(s[i].logProbs, V),
              }
            : undefined,
      });
    });
    return acc.compute(state).filter((v) => Number.isFinite(v.value));
  },
};

/** Corpus-level WER family against the gold responses (jiwer conventions, metrics/edit-distance.ts). */
const edit: Evaluator = {
  family: 'edit',
  ids: ['wer', 'cer', 'mer', 'wil', 'wip'],
  applies: (c) => c.split !== 'probes',
  run: (c) => {
    const refs = c.examples.map((e) => e.response);
    return (['wer', 'cer', 'mer', 'wil', 'wip'] as const).map((m) => editMetric(m, refs, c.responses));
  },
};

/**
 * Gold NLL of the model being scored (student, teacher or reference row alike) on the gold
 * responses, teacher-forced in batches: one forward per batch of examples, as the training loss.
 */
const goldNllEvaluator: Evaluator = {
  family: 'gold-nll',
  ids: ['gold-nll'],
  // A program teacher has no distribution over tokens, so no NLL.
  applies: (c) => c.split !== 'probes' && c.student !== undefined,
  run: async (c) => {
    const student = c.student!;
    const pairs = c.examples.map((e) => ({ prompt: e.prompt, response: e.response }));
    const V = student.config.vocabSize;
    const forced = await teacherForced(student, c.tokenizer, pairs);
    const r = goldNll(forced.map((o) => targetLogProbs(o.logProbs, o.targets, V)));
    return [{ ...r.value, perExample: r.examples.map((e) => ({ value: e.nll, tokens: e.tokens })) }];
  },
};

/** distinct-1/2 and self-BLEU of the student's responses (homogenization of outputs). */
const diversity: Evaluator = {
  family: 'diversity',
  ids: ['distinct-1', 'distinct-2', 'self-bleu'],
  applies: (c) => c.split === 'test',
  run: (c) => diversityValues(c.responses),
};

/**
 * ICE on the identity probes of the student's own card: the first card no teacher was trained on.
 * A student that answers with its teacher's name or maker contradicts its card (J1) and attributes
 * another model's identity (J2).
 */
/** The student's own identity card: the first card no teacher was trained on. */
export function studentCardName(
  taskOptions: unknown,
  teachers: readonly { profile?: string }[],
): string | undefined {
  const cards = (taskOptions as { cards?: { name: string }[] }).cards ?? [];
  const taken = new Set(teachers.map((t) => t.profile));
  return cards.find((card) => !taken.has(card.name))?.name;
}

const ice: Evaluator = {
  family: 'ice',
  ids: ['ice-loose', 'ice-strict', 'ice-hard'],
  applies: (c) => c.split === 'probes',
  run: (c) => {
    const raw = ((c.taskOptions as { cards?: Record<string, string>[] }).cards ?? []) as Record<
      string,
      string
    >[];
    const cards: IdentityCard[] = raw.map((card) => ({
      ...card,
      model: card.name,
      name: card.name,
      maker: card.maker,
    }));
    const ownName = studentCardName(c.taskOptions, c.teachers);
    const own = cards.find((card) => card.name === ownName);
    if (!own) return [];
    const responses = c.examples.flatMap((e, i) =>
      e.meta.card === own.name
        ? [
            {
              model: own.model,
              probeId: e.id,
              template: String(e.meta.template ?? ''),
              namesModelOrMaker: Boolean(e.meta.namesModelOrMaker),
              response: c.responses[i],
            },
          ]
        : [],
    );
    const acc = iceAccumulator(cards, own.model);
    return acc.compute(responses.reduce(acc.update, acc.empty()));
  },
};

/** Linear CKA between the last hidden layers of student and teacher on the gold responses (both networks). */
const cka: Evaluator = {
  family: 'cka',
  ids: ['cka', 'cka-debiased'],
  applies: (c) => c.teachers[0]?.model !== undefined && c.student !== undefined && c.split !== 'probes',
  run: async (c) => {
    const pairs = c.examples.map((e) => ({ prompt: e.prompt, response: e.response }));
    const teacher = c.teachers[0].model!;
    const student = c.student!;
    const t = await teacherForced(teacher, c.tokenizer, pairs, { hiddenLayer: teacher.config.layers - 1 });
    const s = await teacherForced(student, c.tokenizer, pairs, { hiddenLayer: student.config.layers - 1 });
    const X = t.flatMap((o) => rowsFromFlat(o.hidden!, teacher.config.dModel));
    const Y = s.flatMap((o) => rowsFromFlat(o.hidden!, student.config.dModel));
    return ckaValues(Y, X, { seed: 0 });
  },
};

/** Share of the supervision the technique trained on whose answer contradicts the gold answer. */
const supervisionConflictEvaluator: Evaluator = {
  family: 'conflict',
  ids: ['conflict-supervision'],
  applies: (c) => c.split === 'test' && (c.supervision?.length ?? 0) > 0,
  run: (c) => {
    return [supervisionConflict(c.supervision!, c.data.splits.train, extractor(c.task), c.task.id)];
  },
};

/** A family's corpus score against gold responses (metrics/family.ts `againstGold`), on every split but probes. */
function againstGoldEvaluator(f: MetricFamily): Evaluator {
  return {
    family: f.family,
    ids: f.metrics.map((m) => m.id),
    applies: (c) => c.split !== 'probes',
    run: (c) =>
      f.againstGold!(
        c.responses,
        c.examples.map((e) => e.response),
      ),
  };
}

export const EVALUATORS: Evaluator[] = [
  accuracy,
  edit,
  goldNllEvaluator,
  rse,
  cka,
  supervisionConflictEvaluator,
  diversity,
  ice,
  ...metricFamilies.filter((f) => f.againstGold).map(againstGoldEvaluator),
];
