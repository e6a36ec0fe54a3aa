/**
 * Quality versus cost (trainable parameters, wall time): one point per technique, log-scaled cost,
 * with the Pareto frontier (no other point is both cheaper and better) drawn through the winners.
 */
import {
  colour,
  esc,
  legend,
  legendHeight,
  linear,
  log10,
  px,
  svgRoot,
  tickLabel,
  xAxis,
  yAxis,
} from './svg.ts';

export interface FrontierPoint {
  name: string;
  colourIndex: number;
  cost: number;
  mean: number;
  lo: number | null;
  hi: number | null;
}

export interface FrontierChart {
  title: string;
  costLabel: string;
  metric: string;
  direction: 'higher' | 'lower';
  points: FrontierPoint[];
}

/** Points not dominated by a cheaper-or-equal point that is at least as good (strictly in one). */
export function paretoFront(points: FrontierPoint[], direction: 'higher' | 'lower'): FrontierPoint[] {
  const better = (a: number, b: number) => (direction === 'higher' ? a > b : a < b);
  return points
    .filter(
      (p) =>
        !points.some(
          (q) =>
            q !== p &&
            q.cost <= p.cost &&
            !better(p.mean, q.mean) &&
            (q.cost < p.cost || better(q.mean, p.mean)),
        ),
    )
    .sort((a, b) => a.cost - b.cost);
}

export function frontierChart(c: FrontierChart): string {
  const pts = c.points.filter((p) => Number.isFinite(p.mean) && Number.isFinite(p.cost) && p.cost > 0);
  const width = 420;
  const left = 52;
  const top = 24;
  const plotW = width - left - 16;
  const plotH = 170;
  const height =
    top +
    plotH +
    48 +
    legendHeight(
      pts.map((p) => p.name),
      width - left,
    );
  if (pts.length === 0)
    return svgRoot(
      width,
      60,
      c.title,
      `<text class="note" x="8" y="30">${esc(`${c.title}: no cost data in this run`)}</text>`,
    );
  const x = log10(
    Math.min(...pts.map((p) => p.cost)),
    Math.max(...pts.map((p) => p.cost)),
    left,
    left + plotW,
  );
  const ys = pts.flatMap((p) => [p.lo ?? p.mean, p.hi ?? p.mean]);
  const y = linear(Math.min(...ys), Math.max(...ys), top + plotH, top);
  const body = [
    yAxis(y, left, left + plotW, `${c.metric} ${c.direction === 'higher' ? '↑' : '↓'}`),
    xAxis(x, top + plotH, c.costLabel, left + plotW / 2 + left / 2, tickLabel),
  ];
  const front = paretoFront(pts, c.direction);
  if (front.length > 1)
    body.push(
      `<polyline class="frontier" points="${front.map((p) => `${px(x(p.cost))},${px(y(p.mean))}`).join(' ')}"/>`,
    );
  for (const p of pts) {
    const cx = px(x(p.cost));
    const tip = `${p.name}: ${p.mean.toFixed(3)} at ${tickLabel(p.cost)} ${c.costLabel}`;
    const whisker =
      p.lo !== null && p.hi !== null
        ? `<line class="whisker" x1="${cx}" x2="${cx}" y1="${px(y(p.lo))}" y2="${px(y(p.hi))}"/>`
        : '';
    body.push(
      `<g class="point"><title>${esc(tip)}</title>${whisker}<circle cx="${cx}" cy="${px(y(p.mean))}" r="5" fill="${colour(p.colourIndex)}"/></g>`,
    );
  }
  body.push(
    legend(
      pts.map((p) => ({ name: p.name, colour: colour(p.colourIndex) })),
      left,
      top + plotH + 52,
      width - left,
    ),
  );
  return svgRoot(width, height, c.title, body.join(''));
}
