import { z } from 'zod';
import { tf } from '../engine/tf.ts';
import type { TransformerLM } from '../models/transformer.ts';
import type { TrainBatch } from '../text/batch.ts';
import { BatchSampler, encodeAll, targetTensors } from '../training/loop.ts';
import { crossEntropy, divergence } from '../training/losses.ts';
import { AdamTrainer, type LossTerms } from '../training/optimizer.ts';
import { finish, type TrainRun, trainStudent } from './common.ts';
import { teacherModel } from './teachers.ts';
import type { TechniqueDefinition } from './types.ts';

const Options = z
  .object({
    psi: z.number().min(0).max(100).default(1),
    burnIn: z.number().min(0).max(1).default(0.15),
    peer: z.enum(['teacher-size', 'student']).default('teacher-size'),
    temperature: z.number().gt(0).max(100).default(1),
  })
  .strict();

/**
 * Online distillation: student and peer train together from scratch; after the burn-in each also
 * minimizes psi·KL(stop-gradient(p_other) ‖ p_self). The peer's predictions are computed outside the
 * gradient tape, which is the stop-gradient. Both models step on the same step index.
 */
export const coDistillation: TechniqueDefinition<z.infer<typeof Options>> = {
  id: 'co-distillation',
  description:
    'Co-distillation / deep mutual learning: the student and a peer (teacher-sized or student-sized, from ' +
    "scratch) train together; after a burn-in each adds psi*KL(other || self) on the other's stop-gradient predictions. " +
    'A teacher-sized peer is scored as its own `peer` reference row.',
  dataUse:
    'labelled: gold CE for student and peer, and the mutual KL on the same gold batches. transfer: unused ' +
    '(no trained teacher; a teacher only sets the peer size).',
  citation:
    'Anil et al. 2018, Large scale distributed neural network training through online distillation; Zhang et al. 2018, Deep Mutual Learning',
  options: Options,
  optionDocs: {
    psi: { doc: 'weight of the mutual distillation term', range: '[0, 100]' },
    burnIn: { doc: 'fraction of steps before the term switches on', range: '[0, 1]' },
    peer: { doc: 'teacher-size | student', range: 'teacher-size, student' },
    temperature: { doc: 'softmax temperature of the mutual term', range: '(0, 100]' },
  },
  minTeachers: 0,
  // A teacher-size peer copies the teacher network's size; a student-size peer needs nothing of it.
  teacherAccess: (o) => (o.peer === 'teacher-size' ? 'model' : 'outputs'),
  async train(ctx, opts) {
    const student = ctx.newStudent();
    const peer = ctx.newStudent(
      'peer',
      opts.peer === 'teacher-size'
        ? ctx.teachers[0] && teacherModel(ctx.teachers[0], 'co-distillation peer: teacher-size').config
        : undefined,
    );
    const data = encodeAll(ctx.tokenizer, ctx.labelled);
    const sStudent = new BatchSampler(data, ctx.training.batchSize, student.config.maxLen, ctx.seed);
    const sPeer = new BatchSampler(data, ctx.training.batchSize, peer.config.maxLen, `${ctx.seed}:peer`);
    const burnIn = Math.round(opts.burnIn * ctx.training.steps);
    const active = (step: number) => opts.psi > 0 && step >= burnIn;
    const lossOf =
      (self: TransformerLM, other: TransformerLM) =>
      (b: TrainBatch, step: number): LossTerms => {
        // Stop-gradient: the other model's logits are a constant computed before the tape starts.
        const otherLogits = active(step) ? tf.tidy(() => other.forward(b).logits) : undefined;
        const { logits } = self.forward(b);
        const { targets, mask } = targetTensors(b);
        const ce = crossEntropy(logits, targets, mask);
        if (!otherLogits) return { total: ce, terms: { ce } };
        const kd = divergence(otherLogits, logits, mask, {
          kind: 'forward-kl',
          temperature: opts.temperature,
          scaleByT2: true,
        });
        return { total: tf.add(ce, tf.mul(kd, opts.psi)) as tf.Scalar, terms: { ce, kd } };
      };
    // Stale-by-one exchange (Anil et al. allow stale peer predictions): the student steps with the
    // peer's current weights, then the peer steps with the student's freshly updated ones.
    const peerTrainer = new AdamTrainer(peer.trainableVariables(), ctx.training);
    const peerLoss = lossOf(peer, student);
    let peerCe = Number.NaN;
    let peerSteps = 0;
    let peerTokens = 0;
    // The peer's loss terms are read in windows like the student's (AdamTrainer.read); only the last CE is kept.
    const readPeer = async (due: boolean) => {
      for (const { terms } of await peerTrainer.read({ due })) peerCe = terms.ce;
    };
    let run: TrainRun;
    try {
      run = await trainStudent(ctx, student, {
        distillTerms: ['kd'],
        nextBatch: () => sStudent.next(),
        loss: lossOf(student, peer),
        onStep: async ({ step }) => {
          const pb = sPeer.next();
          peerSteps++;
          peerTokens += pb.lossTokens;
          peerTrainer.minimize(() => peerLoss(pb, step));
          await readPeer(true);
        },
      });
      await readPeer(false);
    } finally {
      peerTrainer.dispose();
    }
    const peerParameters = peer.parameterCount();
    // A teacher-sized peer is the "student teaches teacher" direction: the runner scores it as a
    // `peer` reference row. A student-sized peer is just a twin, so it is not kept.
    const scorePeer = opts.peer === 'teacher-size';
    if (!scorePeer) peer.dispose();
    // The peer is trained too: its optimizer steps and tokens are part of what the method
    // costs (Anil et al. train both models), so equal-budget comparisons stay honest.
    run.cost.optimizerSteps += peerSteps;
    run.cost.studentTokens += peerTokens;
    return {
      ...finish(ctx, student, run, { peerParameters, peerOptimizerSteps: peerSteps, peerFinalCe: peerCe }),
      supervision: ctx.labelled,
      ...(scorePeer
        ? { references: [{ role: 'peer' as const, label: 'peer(teacher-size)', student: peer }] }
        : {}),
    };
  },
};
