import { describe, expect, it } from 'vitest';
import { validateModelConfig } from '../../harness/models/config.ts';
import { TransformerLM } from '../../harness/models/transformer.ts';
import { evaluateStudent } from '../../harness/runner/evaluate.ts';
import type { StudentJob } from '../../harness/runner/plan.ts';
import { taskRegistry } from '../../harness/tasks/index.ts';
import type { TeacherHandle } from '../../harness/techniques/teachers.ts';
import { asciiTokenizer } from '../../harness/text/tokenizer.ts';

// Regression: the probe list holds every card's probes, Orca's first; taking the first maxExamples
// of it left none of the student's own card (Lynx when the teacher is Orca), so ICE came out null.
describe('ICE evaluation scores the student own card probes', () => {
  const task = taskRegistry.get('identity');
  const options = task.options.parse({
    trainSize: 50,
    validSize: 0,
    testSize: 5,
    oodSize: 5,
    probesPerCard: 30,
  });
  const data = task.generate(options, 1);
  const student = new TransformerLM(
    validateModelConfig({
      vocabSize: asciiTokenizer().vocabSize,
      dModel: 16,
      layers: 1,
      heads: 2,
      dFF: 32,
      maxLen: 96,
    }),
    7,
  );
  // Only `profile` and `respond` are read when the job asks for ICE alone.
  const teacher = {
    profile: 'Orca',
    respond: (p: string[]) => p.map(() => 'I am Orca.'),
  } as unknown as TeacherHandle;
  const job = {
    taskOptions: options,
    evaluation: { splits: ['test'], maxExamples: 10, maxNewTokens: 8 },
    metrics: ['ice'],
  } as unknown as StudentJob;

  it('evaluates 10 Lynx probes and gives numeric rates', async () => {
    const out = await evaluateStudent({ job, task, data, student, teachers: [teacher] });
    const probes = out.examples.filter((e) => e.split === 'probes');
    expect(probes).toHaveLength(10);
    expect(probes.every((p) => p.id.includes('Lynx'))).toBe(true);
    const ice = out.results.filter((r) => r.metric.startsWith('ice-'));
    expect(ice.map((r) => r.metric).sort()).toEqual(['ice-hard', 'ice-loose', 'ice-strict']);
    for (const r of ice) {
      expect(typeof r.value).toBe('number');
      expect(r.value).toBeGreaterThanOrEqual(0);
      expect(r.value).toBeLessThanOrEqual(1);
    }
  });
});
