/** Linear warm-up to the peak rate, then cosine decay to `minRatio`·peak at the last step. */
export function learningRate(
  step: number,
  opts: { lr: number; warmupSteps: number; totalSteps: number; minRatio: number },
): number {
  const { lr, warmupSteps, totalSteps, minRatio } = opts;
  if (warmupSteps > 0 && step < warmupSteps) return (lr * (step + 1)) / warmupSteps;
  const span = Math.max(1, totalSteps - warmupSteps);
  const progress = Math.min(1, (step - warmupSteps) / span);
  return lr * (minRatio + (1 - minRatio) * 0.5 * (1 + Math.cos(Math.PI * progress)));
}
