/**
 * One technique's training detail as small multiples: a panel per loss term it logs (mean over
 * seeds, shaded min–max band across seeds), the learning-rate schedule, and the global gradient
 * norm before clipping (mean and band). Each panel has its own y axis clamped to its data: terms
 * are not comparable across techniques (T²·KL vs JSD vs CE), so nothing here shares a scale.
 */
import type { BandPoint, CurveDetail } from '../curve-bands.ts';
import { colour, esc, linear, px, svgRoot, tickLabel } from './svg.ts';

const PANEL_W = 228;
const PANEL_H = 132;
const COLS = 2;

function panel(
  title: string,
  points: BandPoint[],
  fill: string,
  ox: number,
  oy: number,
  xDomain: [number, number],
): string {
  const left = ox + 44;
  const right = ox + PANEL_W - 10;
  const top = oy + 20;
  const bottom = oy + PANEL_H - 24;
  const lo = Math.min(...points.map((p) => p[2]));
  const hi = Math.max(...points.map((p) => p[3]));
  const x = linear(xDomain[0], xDomain[1], left, right, 3);
  const y = linear(lo, hi, bottom, top, 3);
  const parts = [
    `<text class="chart-title" x="${px(ox + 8)}" y="${px(oy + 12)}">${esc(title)}</text>`,
    ...y.ticks.map((t) => {
      const ty = px(y(t));
      return `<line class="grid" x1="${px(left)}" x2="${px(right)}" y1="${ty}" y2="${ty}"/><text class="tick" x="${px(left - 4)}" y="${ty}" text-anchor="end" dominant-baseline="middle">${esc(tickLabel(t))}</text>`;
    }),
    ...x.ticks.map(
      (t) =>
        `<text class="tick" x="${px(x(t))}" y="${px(bottom + 14)}" text-anchor="middle">${esc(tickLabel(t))}</text>`,
    ),
  ];
  const spread = points.some((p) => p[3] > p[2]);
  if (spread) {
    const upper = points.map((p) => `${px(x(p[0]))},${px(y(p[3]))}`);
    const lower = points.map((p) => `${px(x(p[0]))},${px(y(p[2]))}`).reverse();
    parts.push(`<polygon class="band" points="${[...upper, ...lower].join(' ')}" fill="${fill}"/>`);
  }
  const mean = points.map((p) => `${px(x(p[0]))},${px(y(p[1]))}`).join(' ');
  parts.push(
    `<polyline class="curve" points="${mean}" stroke="${fill}"><title>${esc(`${title}: mean over seeds${spread ? ', band min–max' : ''}`)}</title></polyline>`,
  );
  return `<g class="panel" data-panel="${esc(title)}">${parts.join('')}</g>`;
}

export function termCurvesChart(title: string, colourIndex: number, detail: CurveDetail): string {
  const panels: { title: string; points: BandPoint[] }[] = [
    ...detail.terms.map((t) => ({ title: `loss: ${t.term}`, points: t.points })),
    ...(detail.lr.length
      ? [{ title: 'learning rate', points: detail.lr.map(([s, v]) => [s, v, v, v] as BandPoint) }]
      : []),
    ...(detail.gradNorm.length ? [{ title: 'gradient norm (pre-clip)', points: detail.gradNorm }] : []),
  ].filter((p) => p.points.length > 0);
  const width = COLS * PANEL_W;
  if (panels.length === 0)
    return svgRoot(
      width,
      40,
      title,
      `<text class="note" x="8" y="24">${esc(`${title}: no curves recorded`)}</text>`,
    );
  const steps = panels.flatMap((p) => p.points.map((q) => q[0]));
  const xDomain: [number, number] = [Math.min(...steps), Math.max(...steps)];
  const rows = Math.ceil(panels.length / COLS);
  const fill = colour(Math.max(0, colourIndex));
  const body = panels.map((p, i) =>
    panel(p.title, p.points, fill, (i % COLS) * PANEL_W, Math.floor(i / COLS) * PANEL_H, xDomain),
  );
  body.push(
    `<text class="axis-label" x="${px(width / 2)}" y="${px(rows * PANEL_H + 12)}" text-anchor="middle">optimizer step (line: mean over seeds; shade: min–max across seeds)</text>`,
  );
  return svgRoot(width, rows * PANEL_H + 20, title, body.join(''));
}
