import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBackend } from '../../harness/engine/backend.ts';
import { parseTaskOptions, taskRegistry } from '../../harness/tasks/index.ts';
import { makeContext, silentLogger } from '../../harness/techniques/context.ts';
import { techniqueRegistry } from '../../harness/techniques/index.ts';
import { obtainTeacher } from '../../harness/techniques/teachers.ts';
import { asciiTokenizer } from '../../harness/text/tokenizer.ts';
import { TrainingOptionsSchema } from '../../harness/training/optimizer.ts';

beforeAll(async () => {
  await loadBackend({ backend: 'wasm' });
});

describe('conversational on arithmetic-rationales', () => {
  it('the hard-item share (student wrong, teacher right) falls across rounds', async () => {
    const task = taskRegistry.get('arithmetic-rationales');
    // Single-digit additions: a small teacher gets most right within seconds, so hard items exist.
    const options = parseTaskOptions(task, {
      trainSize: 80,
      validSize: 0,
      testSize: 10,
      oodSize: 10,
      maxDigits: 1,
      oodMaxDigits: 2,
      maxOperands: 2,
      operators: ['+'],
      oodKinds: ['digits'],
      maxLength: 24,
    });
    const data = task.generate(options, 1);
    const tok = asciiTokenizer();
    const cfg = {
      vocabSize: tok.vocabSize,
      dModel: 32,
      layers: 2,
      heads: 2,
      dFF: 64,
      maxLen: 27,
      positions: 'learned' as const,
    };
    const cacheDir = mkdtempSync(join(tmpdir(), 'db-conv-'));
    const teacher = await obtainTeacher({
      spec: {
        id: 't',
        config: { ...cfg, dModel: 48 },
        training: TrainingOptionsSchema.parse({ steps: 400, lr: 0.01, batchSize: 32 }),
      },
      taskId: task.id,
      taskOptions: options,
      trainData: data.splits.train,
      tokenizer: tok,
      seed: 1,
      cacheDir,
      log: silentLogger,
    });
    const ctx = makeContext({
      task,
      taskOptions: options,
      data,
      tokenizer: tok,
      teachers: [teacher],
      studentConfig: cfg,
      training: TrainingOptionsSchema.parse({ steps: 240, lr: 0.01, batchSize: 32 }),
      seed: 2,
      log: silentLogger,
      cacheDir,
    });
    const r = await techniqueRegistry
      .get('conversational')
      .train(ctx, { rounds: 3, poolSize: 80, imitationShare: 0.1, maxNewTokens: 12 });
    const share = r.cost.extra!.hardItemShare as number[];
    console.log('hard-item share per round', share);
    expect(share[0]).toBeGreaterThan(0.1);
    expect(share[2]).toBeLessThan(share[0]);
  }, 120_000);
});
