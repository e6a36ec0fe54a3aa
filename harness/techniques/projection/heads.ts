import { addNInOrder } from '../../engine/add-n.ts';
import { Rng } from '../../engine/rng.ts';
import { tf, uniqueVariableName } from '../../engine/tf.ts';
import { cosineDistance } from '../../training/losses.ts';

/**
 * The shared embedding space of docs/methodology.md#shared-space. Every student layer l gets a trainable
 * linear map P_s^l: R^{d_s} → R^D; teacher k's mapped layer g_k(l) gets a *frozen* random map
 * P_t^{l,k}: R^{d_Tk} → R^D with orthonormal rows (an isometric embedding of the teacher's space).
 *
 * Collapse guard: with both sides trainable, P_s = P_t = 0 (or any constant) would zero an MSE or
 * cosine loss without the student learning anything. Freezing the teacher side makes the targets
 * fixed functions of the teachers' hidden states, so the only way down is for the student's
 * projections to track them; LayerNorm + cosine makes the loss scale-free (no shrinking to 0).
 */
export type Granularity = 'point' | 'layer';

export class ProjectionSpace {
  /** Trainable student maps, one per student layer, [d_s, D]. */
  readonly student: tf.Variable[];
  /** Frozen teacher maps [layer][teacher], [d_Tk, D]. */
  readonly teacher: tf.Tensor2D[][];

  constructor(
    readonly dim: number,
    readonly studentDim: number,
    readonly teacherDims: number[],
    /** maps[k][l]: teacher k's layer aligned with student layer l (layerMap). */
    readonly maps: number[][],
    seed: string,
  ) {
    const rng = new Rng(`projection:${seed}`);
    const layers = maps[0].length;
    // Student maps start as random Gaussian maps with unit-variance outputs: trainable from step 0.
    this.student = Array.from({ length: layers }, (_, l) =>
      tf.variable(
        tf.tensor2d(
          Float32Array.from({ length: studentDim * dim }, () => rng.normal() / Math.sqrt(studentDim)),
          [studentDim, dim],
        ),
        true,
        uniqueVariableName(`proj.s${l}.${seed}`),
      ),
    );
    this.teacher = Array.from({ length: layers }, () =>
      teacherDims.map((d) => tf.keep(tf.tensor2d(orthonormalRows(d, dim, rng), [d, dim]))),
    );
  }

  /** Trainable parameters (training-only: not part of the scored student). */
  studentParameters(): number {
    return this.student.reduce((n, v) => n + v.size, 0);
  }

  /** Frozen teacher-side parameters (never trained, reported for completeness). */
  frozenParameters(): number {
    return this.teacher.flat().reduce((n, t) => n + t.size, 0);
  }

  /**
   * Targets z̄^l = mean_k LN(P_t^{l,k} h_k^{g_k(l)}) per student layer: each teacher is normalized
   * before averaging so a teacher with a larger residual stream does not dominate the ensemble.
   * Call outside the gradient tape; the result is constant for the step.
   */
  targets(
    teacherHidden: tf.Tensor2D[][],
    keyMask: tf.Tensor1D,
    batch: number,
    g: Granularity,
  ): tf.Tensor2D[] {
    return this.teacher.map((perTeacher, l) => {
      const zs = perTeacher.map((P, k) =>
        layerNormRows(tf.matMul(pool(teacherHidden[k][this.maps[k][l]], keyMask, batch, g), P)),
      );
      return tf.div(addNInOrder(zs), zs.length) as tf.Tensor2D;
    });
  }

  /**
   * L_align = mean over student layers and counted rows of 1 − cos(LN(P_s^l h_s^l), z̄^l)
   * (rows = token positions for 'point', sequences for 'layer').
   */
  loss(
    studentHidden: tf.Tensor2D[],
    targets: tf.Tensor2D[],
    keyMask: tf.Tensor1D,
    batch: number,
    g: Granularity,
  ): tf.Scalar {
    const rowMask = g === 'point' ? keyMask : tf.ones([batch]);
    const perLayer = this.student.map((P, l) =>
      cosineDistance(
        layerNormRows(tf.matMul(pool(studentHidden[l], keyMask, batch, g), P)),
        targets[l],
        rowMask as tf.Tensor1D,
      ),
    );
    return tf.div(addNInOrder(perLayer), perLayer.length) as tf.Scalar;
  }

  dispose(): void {
    tf.dispose([...this.student, ...this.teacher.flat()]);
  }
}

/** 'point': every position; 'layer': one mean-pooled vector per sequence over its real tokens. */
function pool(h: tf.Tensor2D, keyMask: tf.Tensor1D, batch: number, g: Granularity): tf.Tensor2D {
  if (g === 'point') return h;
  const d = h.shape[1];
  const m = tf.reshape(keyMask, [batch, -1, 1]);
  const sum = tf.sum(tf.mul(tf.reshape(h, [batch, -1, d]), m), 1);
  return tf.div(sum, tf.maximum(tf.sum(m, 1), 1)) as tf.Tensor2D;
}

/** LayerNorm without affine parameters over the last axis. */
export function layerNormRows(x: tf.Tensor): tf.Tensor2D {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))) as tf.Tensor2D;
}

/** A random [rows, cols] matrix with orthonormal rows (rows <= cols): Gram-Schmidt on Gaussian rows. */
export function orthonormalRows(rows: number, cols: number, rng: Rng): Float32Array {
  if (rows > cols)
    throw new Error(`orthonormalRows: ${rows} rows cannot be orthonormal in ${cols} dimensions`);
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const v = out.subarray(i * cols, (i + 1) * cols);
    for (;;) {
      for (let j = 0; j < cols; j++) v[j] = rng.normal();
      // Two passes of classical Gram-Schmidt = numerically orthogonal in float64.
      for (let pass = 0; pass < 2; pass++) {
        for (let p = 0; p < i; p++) {
          const u = out.subarray(p * cols, (p + 1) * cols);
          let dot = 0;
          for (let j = 0; j < cols; j++) dot += u[j] * v[j];
          for (let j = 0; j < cols; j++) v[j] -= dot * u[j];
        }
      }
      let norm = 0;
      for (let j = 0; j < cols; j++) norm += v[j] * v[j];
      norm = Math.sqrt(norm);
      if (norm > 1e-6) {
        for (let j = 0; j < cols; j++) v[j] /= norm;
        break;
      }
    }
  }
  return Float32Array.from(out);
}
