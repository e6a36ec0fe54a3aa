import { directionOf } from '../../metrics/index.ts';
import type { ResultRole } from '../core/run-dir-types.ts';
import type { TransformerLM } from '../models/transformer.ts';
import { answerOf, sameAnswer } from '../tasks/answer.ts';
import type { Example, TaskData, TaskDefinition } from '../tasks/types.ts';
import type { Teacher } from '../techniques/teachers.ts';
import { generate } from '../text/generate.ts';
import { asciiTokenizer } from '../text/tokenizer.ts';
import { EVALUATORS, type EvalSplit, studentCardName } from './evaluators.ts';
import type { StudentJob } from './plan.ts';
import type { ExampleRow, JobIdentity, JobRecord, ResultRow } from './run-dir.ts';

type Row = Omit<ResultRow, 'schemaVersion' | 'jobKey' | 'task' | 'technique' | 'student' | 'seed'>;
type ExampleOut = Omit<ExampleRow, keyof JobIdentity>;

/** Metric ids a job computes when the suite does not list them: the task's own plus teacher-relative ones. */
export function defaultMetrics(task: TaskDefinition, teachers: number): string[] {
  const teacherRelative = teachers > 0 ? ['rse', 'cka', 'conflict-supervision'] : [];
  return [...task.metrics, ...teacherRelative, 'diversity'];
}

/** Something scored without a network: a program teacher's responses (its reference row). */
export interface Responder {
  respond(prompts: string[], maxNewTokens: number): Promise<string[]>;
}

/**
 * Scores a trained student: greedy responses on each evaluation split, then every requested metric
 * through its evaluator (harness/runner/evaluators.ts). Per-example rows feed the example browser.
 * A Responder (program teacher) is scored on its responses; metrics that need a network skip it.
 */
export async function evaluateStudent(args: {
  job: StudentJob;
  task: TaskDefinition;
  data: TaskData;
  student: TransformerLM | Responder;
  teachers: Teacher[];
  supervision?: Example[];
}): Promise<{
  results: Row[];
  examples: ExampleOut[];
  teacherDisagreement?: JobRecord['teacherDisagreement'];
}> {
  const { job, task, data, teachers } = args;
  const student = 'respond' in args.student ? undefined : args.student;
  const responder = 'respond' in args.student ? args.student : undefined;
  const tok = asciiTokenizer();
  const wanted = job.metrics ?? defaultMetrics(task, teachers.length);
  const results: Row[] = [];
  const examples: ExampleOut[] = [];
  const splits = [...job.evaluation.splits, ...(task.evaluationSets ?? [])];
  for (const split of splits) {
    // ICE scores only probes asked of the student's own card; the probe list holds every card's.
    const own = studentCardName(job.taskOptions, teachers);
    const source =
      split === 'probes'
        ? (data.extra?.probes ?? []).filter((e) => e.meta?.card === own)
        : data.splits[split as 'test' | 'ood'];
    const exs = source.slice(0, job.evaluation.maxExamples);
    if (exs.length === 0) continue;
    const prompts = exs.map((e) => e.prompt);
    const maxNewTokens = job.evaluation.maxNewTokens;
    const responses = student
      ? (await generate(student, tok, prompts, { maxNewTokens })).map((g) => g.text)
      : await responder!.respond(prompts, maxNewTokens);
    // A recorded teacher that lacks some of these prompts gives no teacher-relative metrics here.
    const teacherResponses = coversAll(teachers[0], prompts)
      ? await teachers[0]?.respond(prompts, job.evaluation.maxNewTokens)
      : undefined;
    const ctx: EvalSplit = {
      split,
      task,
      examples: exs,
      responses,
      teacherResponses,
      student,
      teachers,
      tokenizer: tok,
      supervision: args.supervision,
      data,
      taskOptions: job.taskOptions,
    };
    let nllOf: { value: number; tokens: number }[] | undefined;
    for (const ev of EVALUATORS) {
      const ids = ev.ids.filter((id) => wanted.includes(id) || wanted.includes(ev.family));
      if (ids.length === 0 || !ev.applies(ctx)) continue;
      for (const v of await ev.run(ctx)) {
        if (!ids.includes(v.metric) && !wanted.includes(ev.family)) continue;
        if (v.metric === 'gold-nll') nllOf = v.perExample;
        results.push({
          split,
          metric: v.metric,
          value: v.value,
          signature: v.signature,
          direction: directionOf(v.metric),
        });
      }
    }
    exs.forEach((e, i) =>
      examples.push({
        split,
        id: e.id,
        prompt: e.prompt,
        reference: e.response,
        response: responses[i],
        teacherResponse: teacherResponses?.[i],
        correct: sameAnswer(task, responses[i], e.response),
        // Per-example gold NLL (nats/token) and its token count, so reports can resample examples.
        ...(nllOf ? { goldNll: nllOf[i].value, goldTokens: nllOf[i].tokens } : {}),
      }),
    );
  }
  return { results, examples, teacherDisagreement: await teacherDisagreement(task, data, teachers, job) };
}

/** Teacher × teacher answer disagreement on the test split (the report's conflict heat map). */
async function teacherDisagreement(
  task: TaskDefinition,
  data: TaskData,
  teachers: Teacher[],
  job: StudentJob,
): Promise<JobRecord['teacherDisagreement']> {
  if (teachers.length < 2) return undefined;
  const exs = data.splits.test.slice(0, job.evaluation.maxExamples);
  const prompts = exs.map((e) => e.prompt);
  if (!teachers.every((t) => coversAll(t, prompts))) return undefined;
  const extract = answerOf(task);
  const answers: string[][] = [];
  for (const t of teachers)
    answers.push((await t.respond(prompts, job.evaluation.maxNewTokens)).map(extract));
  const matrix = answers.map((a) =>
    answers.map((b) => a.filter((x, i) => x !== b[i]).length / Math.max(1, a.length)),
  );
  return { teachers: teachers.map((t) => t.id), matrix };
}

/** Whether teacher `t` can answer every prompt (a recorded teacher knows only its file's). */
/** One evaluation's rows stamped with the job they belong to (and a reference row's role). */
export function jobRows(
  base: Pick<ResultRow, 'schemaVersion' | 'jobKey' | 'task' | 'seed'>,
  names: Pick<ResultRow, 'technique' | 'student'>,
  evaluation: { results: Row[]; examples: ExampleOut[] },
  role?: ResultRole,
): { results: ResultRow[]; examples: ExampleRow[] } {
  const { schemaVersion: _, ...identity } = base;
  return {
    results: evaluation.results.map((r) => ({ ...base, ...names, ...r, ...(role ? { role } : {}) })),
    examples: evaluation.examples.map((e) => ({ ...identity, ...names, ...e })),
  };
}

export function coversAll(t: Pick<Teacher, 'covers'> | undefined, prompts: string[]): boolean {
  return !t?.covers || prompts.every((p) => t.covers!(p));
}
