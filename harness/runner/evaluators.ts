import type { TransformerLM } from '../models/transformer.ts';
import type { Example, TaskData, TaskDefinition } from '../tasks/types.ts';
import type { TeacherHandle } from '../techniques/teachers.ts';
import { teacherForced } from '../text/teacher-forced.ts';
import type { CharTokenizer } from '../text/tokenizer.ts';
import { accuracyOnSubset, accuracySignature, accuracyValue } from '../../metrics/accuracy.ts';
import { ckaValues, rowsFromFlat } from '../../metrics/cka.ts';
import { argmax, jsDivergence } from '../../metrics/distributions.ts';
import type { MetricValue } from '../../metrics/types.ts';

/** What an evaluator sees for one split: examples, the student's and the first teacher's responses. */
export interface EvalSplit {
  split: string;
  task: TaskDefinition;
  examples: Example[];
  responses: string[];
  teacherResponses?: string[];
  student: TransformerLM;
  teachers: TeacherHandle[];
  tokenizer: CharTokenizer;
  supervision?: Example[];
  data: TaskData;
}

/**
 * Turns a split into metric values for one metric family. The runner asks every evaluator whose ids
 * (or family name) the suite requested; adding a metric family to runs = adding one entry here.
 */
export interface Evaluator {
  family: string;
  ids: string[];
  applies(ctx: EvalSplit): boolean;
  run(ctx: EvalSplit): MetricValue[];
}

const extractor = (task: TaskDefinition) => task.extractAnswer ?? ((s: string) => s.trim());

/** An example is conflicted when the teacher profiles' answers to it disagree with each other. */
function conflicted(e: Example): boolean | undefined {
  const answers = e.meta.profileAnswers as Record<string, string> | undefined;
  return answers ? new Set(Object.values(answers)).size > 1 : undefined;
}

const accuracy: Evaluator = {
  family: 'accuracy',
  ids: ['accuracy', 'acc-conflicted', 'acc-agreed'],
  applies: (c) => c.split !== 'probes',
  run: (c) => {
    const extract = extractor(c.task);
    const golds = c.examples.map((e) => extract(e.response));
    const sig = accuracySignature({ extract, extractName: c.task.id });
    const all = accuracyOnSubset(c.responses, golds, golds.map(() => true), extract);
    const out = [accuracyValue('accuracy', all, sig)];
    const flags = c.examples.map(conflicted);
    if (flags.every((f) => f !== undefined)) {
      out.push(accuracyValue('acc-conflicted', accuracyOnSubset(c.responses, golds, flags as boolean[], extract), sig));
      out.push(accuracyValue('acc-agreed', accuracyOnSubset(c.responses, golds, flags.map((f) => !f), extract), sig));
    }
    return out.filter((v) => Number.isFinite(v.value));
  },
};

/** Token-level RSE: teacher-forced on the teacher's own responses, how often the student's top-1 agrees. */
const rseToken: Evaluator = {
  family: 'rse-token',
  ids: ['rse-top1', 'rse-jsd'],
  applies: (c) => c.teachers.length > 0 && c.split !== 'probes',
  run: (c) => {
    const pairs = c.examples.map((e, i) => ({ prompt: e.prompt, response: c.teacherResponses![i] }));
    const t = teacherForced(c.teachers[0].model, c.tokenizer, pairs);
    const s = teacherForced(c.student, c.tokenizer, pairs);
    const V = c.tokenizer.vocabSize;
    let agree = 0;
    let jsd = 0;
    let n = 0;
    t.forEach((ti, k) => {
      for (let r = 0; r < ti.targets.length; r++, n++) {
        const p = Array.from(ti.logProbs.subarray(r * V, (r + 1) * V), Math.exp);
        const q = Array.from(s[k].logProbs.subarray(r * V, (r + 1) * V), Math.exp);
        if (argmax(p) === argmax(q)) agree++;
        jsd += jsDivergence(p, q);
      }
    });
    return [
      { metric: 'rse-top1', value: agree / n, signature: 'rse-top1|forced:teacher-response|v1', detail: { tokens: n } },
      { metric: 'rse-jsd', value: jsd / n, signature: 'rse-jsd|forced:teacher-response|log:e|v1', detail: { tokens: n } },
    ];
  },
};

/** Linear CKA between the last hidden layers of student and teacher on the gold responses. */
const cka: Evaluator = {
  family: 'cka',
  ids: ['cka', 'cka-debiased'],
  applies: (c) => c.teachers.length > 0 && c.split !== 'probes',
  run: (c) => {
    const pairs = c.examples.map((e) => ({ prompt: e.prompt, response: e.response }));
    const teacher = c.teachers[0].model;
    const t = teacherForced(teacher, c.tokenizer, pairs, { hiddenLayer: teacher.config.layers - 1 });
    const s = teacherForced(c.student, c.tokenizer, pairs, { hiddenLayer: c.student.config.layers - 1 });
    const X = t.flatMap((o) => rowsFromFlat(o.hidden!, teacher.config.dModel));
    const Y = s.flatMap((o) => rowsFromFlat(o.hidden!, c.student.config.dModel));
    return ckaValues(Y, X, { maxRows: 2048, seed: 0 });
  },
};

/** Share of the supervision the technique trained on whose answer contradicts the gold answer. */
const supervisionConflict: Evaluator = {
  family: 'conflict',
  ids: ['conflict-supervision'],
  applies: (c) => c.split === 'test' && (c.supervision?.length ?? 0) > 0,
  run: (c) => {
    const extract = extractor(c.task);
    const gold = new Map(c.data.splits.train.map((e) => [e.id, extract(e.response)]));
    const sup = c.supervision!.filter((e) => gold.has(e.id));
    const bad = sup.filter((e) => extract(e.response) !== gold.get(e.id)).length;
    return [{ metric: 'conflict-supervision', value: sup.length ? bad / sup.length : 0, signature: `conflict-supervision|vs:gold|extract:${c.task.id}|v1`, detail: { examples: sup.length, contradicting: bad } }];
  },
};

export const EVALUATORS: Evaluator[] = [accuracy, rseToken, cka, supervisionConflict];
