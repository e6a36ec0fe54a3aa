import { describe, expect, it } from 'vitest';
import { tf } from '../../harness/engine/tf.ts';
import { validateModelConfig } from '../../harness/models/config.ts';
import { TransformerLM } from '../../harness/models/transformer.ts';
import { evaluateStudent } from '../../harness/runner/evaluate.ts';
import type { StudentJob, TeacherJob } from '../../harness/runner/plan.ts';
import { teacherReference } from '../../harness/runner/teacher-job.ts';
import { taskRegistry } from '../../harness/tasks/index.ts';
import type { TeacherHandle } from '../../harness/techniques/teachers.ts';
import { leftPad } from '../../harness/text/batch.ts';
import { asciiTokenizer } from '../../harness/text/tokenizer.ts';
import { encodeAll, lmLoss } from '../../harness/training/loop.ts';

// The runner's gold-nll against an independent computation: the training loss (lmLoss, a masked
// mean of cross-entropy over response tokens) on the same examples in one batch.
describe('gold-nll in the runner', async () => {
  const task = taskRegistry.get('arithmetic-rationales');
  const options = task.options.parse({
    trainSize: 10,
    validSize: 0,
    testSize: 70,
    oodSize: 5,
    maxLength: 40,
  });
  const data = task.generate(options, 3);
  const tok = asciiTokenizer();
  const model = new TransformerLM(
    validateModelConfig({ vocabSize: tok.vocabSize, dModel: 16, layers: 1, heads: 2, dFF: 32, maxLen: 96 }),
    11,
  );
  // 70 examples: two batches of teacher-forced scoring (64 + 6), so batching is covered.
  const evaluation = { splits: ['test', 'ood'], maxExamples: 70, maxNewTokens: 4 };
  const job = { taskOptions: options, evaluation, metrics: ['gold-nll'] } as unknown as StudentJob;
  const loss = (pairs: { prompt: string; response: string }[]) => {
    const enc = encodeAll(tok, pairs);
    const batch = leftPad(
      enc.map((e) => e.seq),
      enc.map((e) => e.lossFrom),
      model.config.maxLen,
    );
    return tf.tidy(() => lmLoss(model, batch).total.dataSync()[0]);
  };
  const out = await evaluateStudent({ job, task, data, student: model, teachers: [] });

  it('equals lmLoss over the same examples on every split', () => {
    for (const split of ['test', 'ood'] as const) {
      const row = out.results.find((r) => r.split === split && r.metric === 'gold-nll')!;
      expect(row.direction).toBe('lower');
      expect(row.value).toBeCloseTo(loss(data.splits[split].slice(0, 70)), 4);
    }
    expect(out.results.map((r) => r.metric)).toEqual(['gold-nll', 'gold-nll']);
  });

  it('keeps each example NLL (= lmLoss of that example alone) and its token count', () => {
    const ex = out.examples.filter((e) => e.split === 'test');
    expect(ex).toHaveLength(70);
    for (const i of [0, 65]) {
      const e = data.splits.test[i];
      expect(ex[i].goldNll).toBeCloseTo(loss([e]), 4);
      expect(ex[i].goldTokens).toBe(tok.encode(e.response).length + 1);
    }
    const tokens = ex.reduce((s, e) => s + e.goldTokens!, 0);
    const corpus = ex.reduce((s, e) => s + e.goldNll! * e.goldTokens!, 0) / tokens;
    expect(corpus).toBeCloseTo(out.results.find((r) => r.split === 'test')!.value, 6);
  });

  it('is scored for teacher reference rows through the same path', async () => {
    const teacherJob = {
      key: 'k',
      taskId: task.id,
      taskOptions: options,
      seed: 1,
      teacher: { id: 'teacher' },
      evaluation,
      metrics: ['gold-nll'],
    } as unknown as TeacherJob;
    const handle = { model } as unknown as TeacherHandle;
    const ref = await teacherReference(teacherJob, handle, data, {
      schemaVersion: 1,
      jobKey: 'k',
      task: task.id,
      seed: 1,
    });
    const row = ref.results.find((r) => r.split === 'test' && r.metric === 'gold-nll')!;
    expect(row.role).toBe('teacher');
    expect(row.value).toBeCloseTo(loss(data.splits.test.slice(0, 70)), 4);
  });
});
