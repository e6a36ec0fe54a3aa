/**
 * RL teacher selection's policy: per teacher i an independent Bernoulli select/skip action with
 * P(select) = σ(w_i·s_i + b_i), trained by REINFORCE: Δθ_i = lr·(r − b)·∇log π(a_i|s_i), with
 * ∇_w log π = (a_i − p_i)·s_i and ∇_b log π = a_i − p_i; b is a moving average of the reward.
 */
export class BernoulliPolicy {
  readonly w: Float64Array[];
  readonly b: Float64Array;
  baseline = 0;
  private seen = 0;
  constructor(
    readonly n: number,
    readonly d: number,
    readonly lr = 0.1,
    readonly baselineMomentum = 0.9,
  ) {
    this.w = Array.from({ length: n }, () => new Float64Array(d));
    this.b = new Float64Array(n);
  }

  prob(i: number, s: ArrayLike<number>): number {
    let z = this.b[i];
    const w = this.w[i];
    for (let a = 0; a < this.d; a++) z += w[a] * s[a];
    return 1 / (1 + Math.exp(-z));
  }

  /** Samples one action per teacher with uniform draws u (a_i = u_i < p_i). */
  sample(states: ArrayLike<number>[], u: number[]): { actions: number[]; probs: number[] } {
    const probs = states.map((s, i) => this.prob(i, s));
    return { actions: probs.map((p, i) => (u[i] < p ? 1 : 0)), probs };
  }

  /**
   * One REINFORCE step for one episode; returns the advantage used. With `baseline` given (a
   * per-question baseline kept by the caller) the advantage is reward − baseline and the global moving
   * average is left alone.
   */
  update(states: ArrayLike<number>[], actions: number[], reward: number, baseline?: number): number {
    if (baseline !== undefined) {
      this.step(states, actions, reward - baseline);
      return reward - baseline;
    }
    const adv = this.seen === 0 ? 0 : reward - this.baseline;
    this.step(states, actions, adv);
    this.baseline =
      this.seen === 0 ? reward : this.baselineMomentum * this.baseline + (1 - this.baselineMomentum) * reward;
    this.seen++;
    return adv;
  }

  private step(states: ArrayLike<number>[], actions: number[], adv: number): void {
    for (let i = 0; i < this.n; i++) {
      const g = actions[i] - this.prob(i, states[i]);
      const step = this.lr * adv * g;
      for (let a = 0; a < this.d; a++) this.w[i][a] += step * states[i][a];
      this.b[i] += step;
    }
  }
}
