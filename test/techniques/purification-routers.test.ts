import { beforeAll, describe, expect, it } from 'vitest';
import { loadBackend } from '../../harness/engine/backend.ts';
import { Rng } from '../../harness/engine/rng.ts';
import { EMBED_DIM, embed } from '../../harness/techniques/purification/embedding.ts';
import { DualContrastiveRouter, kMeans } from '../../harness/techniques/purification/router-dc.ts';
import { knnRoute, type Labeled, MlpRouter } from '../../harness/techniques/purification/routers.ts';

/**
 * Synthetic routing problem: question `a<op>b=` (a one digit, b up to two digits); exactly one of 4
 * teachers is right, and which one is a known function of the question: the operator's index when
 * a < 5, else teacher 3. Questions are split into disjoint train and held-out sets.
 */
const OPS = ['+', '-', '*'];
function rightTeacher(a: number, op: string): number {
  return a < 5 ? OPS.indexOf(op) : 3;
}
function problem() {
  const rng = new Rng('router-synthetic');
  const seen = new Set<string>();
  const all: { text: string; right: number }[] = [];
  while (all.length < 900) {
    const a = rng.int(0, 9);
    const op = rng.pick(OPS);
    const text = `${a}${op}${rng.int(0, 99)}=`;
    if (seen.has(text)) continue;
    seen.add(text);
    all.push({ text, right: rightTeacher(a, op) });
  }
  const toLabeled = (x: { text: string; right: number }): Labeled & { right: number } => ({
    emb: embed(x.text),
    correct: [0, 1, 2, 3].map((t) => t === x.right),
    right: x.right,
  });
  return { train: all.slice(0, 600).map(toLabeled), heldOut: all.slice(600).map(toLabeled) };
}
const { train, heldOut } = problem();
beforeAll(async () => {
  await loadBackend({ backend: 'wasm' });
});
const accuracy = (choice: number[]) =>
  choice.filter((c, i) => c === heldOut[i].right).length / heldOut.length;

describe('purification routers on a problem with a known right teacher', () => {
  it('classifier router (2-layer MLP) routes > 95% of held-out questions right', () => {
    const mlp = new MlpRouter(EMBED_DIM, 32, 4, 1);
    mlp.fit(train, { epochs: 200, lr: 0.01 });
    expect(accuracy(heldOut.map((x) => mlp.route(x.emb)))).toBeGreaterThan(0.95);
  });

  it('similarity router (RouterDC, dual contrastive) routes > 95% of held-out questions right', async () => {
    const router = new DualContrastiveRouter(EMBED_DIM, 32, 4, 0.1, 1);
    const loss = await router.fit(train, { epochs: 150, lr: 0.01, clusters: 5 });
    const choice = await router.route(heldOut.map((x) => x.emb));
    router.dispose();
    expect(accuracy(choice)).toBeGreaterThan(0.95);
    expect(Number.isFinite(loss.sampleSample)).toBe(true);
  });

  it('kNN variant (untrained n-gram similarity) beats routing everything to the most common teacher', () => {
    // The kNN cousin has no trained encoder: the second operand's digits dominate the n-gram cosine, so
    // it is far from perfect here; the most common right teacher (3, a >= 5) covers about half.
    const majority = heldOut.filter((x) => x.right === 3).length / heldOut.length;
    const acc = accuracy(
      knnRoute(
        heldOut.map((x) => x.emb),
        train,
        10,
      ),
    );
    expect(acc).toBeGreaterThan(majority + 0.2);
  });

  it('k-means separates well-separated clusters', () => {
    const pts = [
      [1, 0, 0],
      [0.99, 0.1, 0],
      [0, 1, 0],
      [0.1, 0.99, 0],
      [0, 0, 1],
      [0, 0.1, 0.99],
    ].map((p) => {
      const n = Math.hypot(...p);
      return p.map((x) => x / n);
    });
    const c = kMeans(pts, 3, 1);
    expect(c[0]).toBe(c[1]);
    expect(c[2]).toBe(c[3]);
    expect(c[4]).toBe(c[5]);
    expect(new Set(c).size).toBe(3);
  });
});
