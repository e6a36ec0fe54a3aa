import { beforeAll, describe, expect, it } from 'vitest';
import { loadBackend } from '../../harness/engine/backend.ts';
import type { TransformerLM } from '../../harness/models/transformer.ts';
import { techniqueRegistry } from '../../harness/techniques/index.ts';
import type { TeacherHandle } from '../../harness/techniques/teachers.ts';
import { generate } from '../../harness/text/generate.ts';
import { teacherForced } from '../../harness/text/teacher-forced.ts';
import { TOY_DATA, TOY_TOK, toyContext, toyTeacher } from '../helpers/toy-context.ts';

let copyTeacher: TeacherHandle;
beforeAll(async () => {
  await loadBackend({ backend: 'wasm' });
  copyTeacher = await toyTeacher('copy');
});

const test = TOY_DATA.splits.test;
const outputs = async (m: TransformerLM) =>
  (
    await generate(
      m,
      TOY_TOK,
      test.map((e) => e.prompt),
      { maxNewTokens: 5 },
    )
  ).map((g) => g.text);
const share = (xs: string[], want: (i: number) => string) =>
  xs.filter((x, i) => x === want(i)).length / xs.length;

/** Mean KL(teacher ‖ student) per response token on the test pairs (teacher's own answers). */
async function klToTeacher(student: TransformerLM, teacher: TeacherHandle): Promise<number> {
  const pairs = test.map((e) => ({ prompt: e.prompt, response: e.prompt }));
  const t = await teacherForced(teacher.model, TOY_TOK, pairs);
  const s = await teacherForced(student, TOY_TOK, pairs);
  let sum = 0;
  let n = 0;
  t.forEach((ti, k) => {
    const V = TOY_TOK.vocabSize;
    for (let r = 0; r < ti.logProbs.length / V; r++, n++) {
      for (let v = 0; v < V; v++) {
        const lp = ti.logProbs[r * V + v];
        sum += Math.exp(lp) * (lp - s[k].logProbs[r * V + v]);
      }
    }
  });
  return sum / n;
}

describe('techniques learn from the teacher, not only from gold', () => {
  it('the copy teacher really is wrong on the reverse task', async () => {
    expect(share(await outputs(copyTeacher.model), (i) => test[i].prompt)).toBeGreaterThan(0.9);
  });

  it("hard-label reproduces the teacher's systematic error while none learns gold", async () => {
    const hard = await techniqueRegistry
      .get('hard-label')
      .train(toyContext([copyTeacher]), { maxNewTokens: 5 });
    const base = await techniqueRegistry.get('none').train(toyContext([copyTeacher]), {});
    const hardOut = await outputs(hard.student);
    expect(share(hardOut, (i) => test[i].prompt)).toBeGreaterThan(0.8);
    expect(share(await outputs(base.student), (i) => test[i].response)).toBeGreaterThan(
      share(hardOut, (i) => test[i].response),
    );
    expect(hard.cost.teacherGenerations).toBeGreaterThan(0);
  });

  it('soft-label with alpha=0 pulls the student toward the teacher; none does not', async () => {
    const soft = await techniqueRegistry
      .get('soft-label')
      .train(toyContext([copyTeacher]), { temperature: 1, alpha: 0, divergence: 'forward-kl', beta: 0.5 });
    const base = await techniqueRegistry.get('none').train(toyContext([copyTeacher]), {});
    const fresh = toyContext([copyTeacher]).newStudent();
    const before = await klToTeacher(fresh, copyTeacher);
    const afterSoft = await klToTeacher(soft.student, copyTeacher);
    const afterNone = await klToTeacher(base.student, copyTeacher);
    expect(afterSoft).toBeLessThan(0.5 * before);
    expect(afterSoft).toBeLessThan(0.25 * afterNone);
  });

  it('co-distillation with psi=0 gives the same student as an independent run, bit for bit', async () => {
    const co = await techniqueRegistry
      .get('co-distillation')
      .train(toyContext([copyTeacher], 40), { psi: 0, burnIn: 0, peer: 'student', temperature: 1 });
    const base = await techniqueRegistry.get('none').train(toyContext([copyTeacher], 40), {});
    for (const [name, w] of co.student.weights) {
      expect(Array.from(w.dataSync())).toEqual(Array.from(base.student.weights.get(name)!.dataSync()));
    }
    const withPsi = await techniqueRegistry
      .get('co-distillation')
      .train(toyContext([copyTeacher], 40), { psi: 1, burnIn: 0, peer: 'student', temperature: 1 });
    expect(Array.from(withPsi.student.weights.get('head.w')!.dataSync())).not.toEqual(
      Array.from(base.student.weights.get('head.w')!.dataSync()),
    );
  });

  it('on-policy with lambda=1 trains only on student samples', async () => {
    const r = await techniqueRegistry
      .get('on-policy')
      .train(toyContext([copyTeacher], 12), { lambda: 1, beta: 0.5, temperature: 1, maxNewTokens: 5 });
    expect(r.cost.extra?.studentSampleBatches).toBe(12);
    const half = await techniqueRegistry
      .get('on-policy')
      .train(toyContext([copyTeacher], 12), { lambda: 0, beta: 0.5, temperature: 1, maxNewTokens: 5 });
    expect(half.cost.extra?.studentSampleBatches).toBe(0);
  });
});
