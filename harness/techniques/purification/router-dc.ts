import { argmax } from '../../../metrics/distributions.ts';
import { Rng } from '../../engine/rng.ts';
import { tf } from '../../engine/tf.ts';
import { AdamTrainer, TrainingOptionsSchema } from '../../training/optimizer.ts';
import { dot } from './embedding.ts';
import type { Labeled } from './routers.ts';

const NEG_INF = -1e9;

/**
 * Plain k-means (k-means++-style seeding by farthest point, Lloyd iterations) on unit vectors with
 * cosine similarity; returns each point's cluster. RouterDC clusters the training questions once and
 * uses the clusters as the sample-sample positives/negatives.
 */
export function kMeans(points: ArrayLike<number>[], k: number, seed: number | string, iters = 20): number[] {
  const rng = new Rng(`kmeans:${seed}`);
  const d = points[0].length;
  const centres: Float64Array[] = [Float64Array.from(points[rng.int(0, points.length - 1)])];
  while (centres.length < Math.min(k, points.length)) {
    let far = 0;
    let farSim = Infinity;
    points.forEach((p, i) => {
      const s = Math.max(...centres.map((c) => dot(p, c)));
      if (s < farSim) [far, farSim] = [i, s];
    });
    centres.push(Float64Array.from(points[far]));
  }
  let assign = points.map(() => 0);
  for (let it = 0; it < iters; it++) {
    assign = points.map((p) => argmax(centres.map((c) => dot(p, c))));
    centres.forEach((c, j) => {
      c.fill(0);
      points.forEach((p, i) => {
        if (assign[i] === j) for (let a = 0; a < d; a++) c[a] += p[a];
      });
      const norm = Math.sqrt(dot(c, c)) || 1;
      for (let a = 0; a < d; a++) c[a] /= norm;
    });
  }
  return assign;
}

/**
 * RouterDC (Chen et al. 2024) at harness scale. Encoder E(q) = normalize(φ(q)·W) on the fixed hashed
 * n-gram features φ, one trainable key k_i per teacher, score s_i = cos(E(q), k_i)/τ, route to argmax.
 * Loss, E and keys trained jointly:
 *   sample-teacher: Σ_{i correct} −log(e^{s_i} / (e^{s_i} + Σ_{j wrong} e^{s_j}))
 *   sample-sample:  InfoNCE on cos(E(q), E(q'))/τ, q⁺ drawn from q's k-means cluster, the
 *                   batch's questions of other clusters the negatives
 *   L = L_sample-teacher + λ_ss·L_sample-sample.
 */
export class DualContrastiveRouter {
  private readonly W: tf.Variable;
  private readonly keys: tf.Variable;
  constructor(
    readonly d: number,
    readonly h: number,
    readonly n: number,
    readonly tau: number,
    private readonly seed: number | string,
  ) {
    const rng = new Rng(`router-dc:${seed}`);
    const init = (rows: number, cols: number, scale: number) =>
      tf.tidy(() =>
        tf.variable(
          tf.tensor2d(
            Float32Array.from({ length: rows * cols }, () => rng.normal() * scale),
            [rows, cols],
          ),
        ),
      );
    this.W = init(d, h, 1 / Math.sqrt(d));
    this.keys = init(n, h, 1);
  }

  private encode(x: tf.Tensor2D): tf.Tensor2D {
    return l2rows(tf.matMul(x, this.W));
  }

  private scoresOf(x: tf.Tensor2D): tf.Tensor2D {
    return tf.div(
      tf.matMul(this.encode(x), l2rows(this.keys as tf.Tensor2D), false, true),
      this.tau,
    ) as tf.Tensor2D;
  }

  /** Full-batch Adam on the dual contrastive loss; returns the last [sample-teacher, sample-sample] losses. */
  async fit(
    data: Labeled[],
    opts: { epochs?: number; lr?: number; clusters?: number; sampleWeight?: number; batchSize?: number } = {},
  ): Promise<{ sampleTeacher: number; sampleSample: number }> {
    const epochs = opts.epochs ?? 200;
    const clusters = kMeans(
      data.map((x) => x.emb),
      opts.clusters ?? 5,
      this.seed,
    );
    const byCluster = new Map<number, number[]>();
    clusters.forEach((c, i) => byCluster.set(c, [...(byCluster.get(c) ?? []), i]));
    const rng = new Rng(`router-dc-pairs:${this.seed}`);
    const N = data.length;
    const X = tf.tensor2d(
      data.flatMap((x) => Array.from(x.emb)),
      [N, this.d],
    );
    const pos = tf.tensor2d(
      data.flatMap((x) => x.correct.map((c) => (c ? 1 : 0))),
      [N, this.n],
    );
    // Questions where every or no teacher is right carry no routing signal for the sample-teacher term.
    const negMask = tf.tensor2d(
      data.flatMap((x) =>
        x.correct.map((c) => (c || x.correct.every((y) => y) || !x.correct.some((y) => y) ? 0 : 1)),
      ),
      [N, this.n],
    );
    const posMask = tf.tidy(() => tf.mul(pos, tf.sum(negMask, 1, true).greater(0).cast('float32')));
    const B = Math.min(N, opts.batchSize ?? 128);
    // Row selection by one-hot matmuls, not gathers: a gather's gradient is a JS segment sum on wasm.
    const selector = (idx: number[]) =>
      tf.oneHot(tf.tensor1d(idx, 'int32'), N).cast('float32') as tf.Tensor2D;
    const trainer = new AdamTrainer(
      [this.W, this.keys],
      TrainingOptionsSchema.parse({ steps: epochs, lr: opts.lr ?? 0.01, warmupSteps: 0, clipNorm: 5 }),
    );
    let last: Record<string, number> = { sampleTeacher: 0, sampleSample: 0 };
    try {
      for (let ep = 0; ep < epochs; ep++) {
        // Each epoch: a batch of anchors, each with a fresh in-cluster positive; the batch's anchors
        // from other clusters are its negatives (in-batch InfoNCE).
        const anchors = rng.shuffle(data.map((_, i) => i)).slice(0, B);
        const positives = anchors.map((i) => {
          const same = byCluster.get(clusters[i])!;
          return same.length > 1 ? same[(same.indexOf(i) + rng.int(1, same.length - 1)) % same.length] : i;
        });
        const candidates = tf.tensor2d(
          anchors.flatMap((i) => anchors.map((j) => (clusters[i] === clusters[j] ? 0 : 1))),
          [B, B],
        );
        trainer.minimize(() => {
          const s = this.scoresOf(X);
          const negLse = tf.logSumExp(tf.add(s, tf.mul(tf.sub(1, negMask), NEG_INF)), 1, true);
          const perPos = tf.softplus(tf.sub(negLse, s));
          const st = tf.div(tf.sum(tf.mul(perPos, posMask)), N) as tf.Scalar;
          const E = this.encode(X);
          const A = tf.matMul(selector(anchors), E);
          const P = tf.matMul(selector(positives), E);
          const anchorPos = tf.div(tf.sum(tf.mul(A, P), 1, true), this.tau);
          const anchorNeg = tf.add(
            tf.div(tf.matMul(A, A, false, true), this.tau),
            tf.mul(tf.sub(1, candidates), NEG_INF),
          );
          const lse = tf.logSumExp(tf.concat([anchorPos, anchorNeg], 1), 1, true);
          const ss = tf.mean(tf.sub(lse, anchorPos)) as tf.Scalar;
          const total = tf.add(st, tf.mul(ss, opts.sampleWeight ?? 1)) as tf.Scalar;
          return { total, terms: { sampleTeacher: st, sampleSample: ss } };
        });
        candidates.dispose();
        for (const { terms } of await trainer.read({ due: true })) last = terms;
      }
      for (const { terms } of await trainer.read()) last = terms;
    } finally {
      trainer.dispose();
      tf.dispose([X, pos, negMask, posMask]);
    }
    return { sampleTeacher: last.sampleTeacher, sampleSample: last.sampleSample };
  }

  /** P(teacher | q) = softmax_i s_i for each query. */
  async probabilities(queries: ArrayLike<number>[]): Promise<number[][]> {
    const p = tf.tidy(() =>
      tf.softmax(
        this.scoresOf(
          tf.tensor2d(
            queries.flatMap((q) => Array.from(q)),
            [queries.length, this.d],
          ),
        ),
      ),
    );
    const flat = await p.data().finally(() => p.dispose());
    return queries.map((_, b) => Array.from(flat.subarray(b * this.n, (b + 1) * this.n)));
  }

  async route(queries: ArrayLike<number>[]): Promise<number[]> {
    return (await this.probabilities(queries)).map(argmax);
  }

  dispose(): void {
    tf.dispose([this.W, this.keys]);
  }
}

function l2rows(x: tf.Tensor2D): tf.Tensor2D {
  return tf.div(x, tf.add(tf.norm(x, 'euclidean', 1, true), 1e-8)) as tf.Tensor2D;
}
