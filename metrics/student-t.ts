/**
 * Student's t distribution (CDF and quantile). simple-statistics has no t distribution, and the
 * confidence intervals over seeds (n = 2..10) need exact small-df critical values, where the normal
 * approximation is far off (t_{0.975,1} = 12.706 vs z = 1.960).
 *
 * CDF through the regularized incomplete beta function I_x(a, b), evaluated by its continued
 * fraction with the modified Lentz method (Numerical Recipes, 3rd ed., §6.4, `betacf`/`betai`);
 * the quantile inverts the CDF by bisection, which is slow but cannot diverge for any df > 0.
 */
import { gammaln } from 'simple-statistics';

const MAX_ITER = 500;
const EPS = 1e-15;
const FPMIN = 1e-300;

/** Continued fraction of I_x(a, b); converges fast for x < (a + 1) / (a + b + 2). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < FPMIN) d = FPMIN;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= MAX_ITER; m++) {
    const m2 = 2 * m;
    // Even step of the fraction.
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    h *= d * c;
    // Odd step.
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) return h;
  }
  return h;
}

/**
 * Regularized incomplete beta I_x(a, b) for a, b > 0 and x in [0, 1]. Callers that know 1 - x more
 * precisely than the subtraction (x close to 1) pass it as `oneMinusX`.
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number, oneMinusX = 1 - x): number {
  if (!(a > 0 && b > 0)) throw new RangeError(`incomplete beta needs a, b > 0 (got a=${a}, b=${b})`);
  if (x <= 0) return 0;
  if (oneMinusX <= 0) return 1;
  const logFront = gammaln(a + b) - gammaln(a) - gammaln(b) + a * Math.log(x) + b * Math.log(oneMinusX);
  const front = Math.exp(logFront);
  // Use the symmetry I_x(a,b) = 1 - I_{1-x}(b,a) on the side where the fraction converges.
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(a, b, x)) / a;
  return 1 - (front * betaContinuedFraction(b, a, oneMinusX)) / b;
}

/** P(|T| > |t|) for T ~ t(df): the two-sided p-value of a t statistic. */
export function studentTTwoSided(t: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`t distribution needs df > 0 (got ${df})`);
  if (Number.isNaN(t)) return Number.NaN;
  if (!Number.isFinite(t)) return 0;
  return regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5, (t * t) / (df + t * t));
}

/** P(T <= t) for T ~ t(df). */
export function studentTCdf(t: number, df: number): number {
  const tail = studentTTwoSided(t, df) / 2;
  return t >= 0 ? 1 - tail : tail;
}

/** The p-quantile of t(df), e.g. studentTQuantile(0.975, 9) = 2.262. */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`quantile needs 0 < p < 1 (got ${p})`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  // Work with the upper tail probability so that p close to 1 keeps its precision.
  const tail = 2 * (1 - p);
  let lo = 0;
  let hi = 1;
  while (studentTTwoSided(hi, df) > tail) {
    lo = hi;
    hi *= 2;
    if (hi > 1e300) return Number.POSITIVE_INFINITY;
  }
  for (let i = 0; i < 2000 && hi - lo > 1e-13 * Math.max(1, hi); i++) {
    const mid = (lo + hi) / 2;
    if (studentTTwoSided(mid, df) > tail) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
