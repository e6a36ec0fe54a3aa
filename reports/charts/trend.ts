/**
 * Leaderboard trend: one metric across runs (x = run number, oldest first, as in the leaderboard's
 * Runs table), one line per entry through its mean, with a 95% CI whisker per run. Text is escaped
 * with esc(); coordinates come from numbers only.
 */
import { colour, esc, legend, legendHeight, linear, px, svgRoot, yAxis } from './svg.ts';

export interface TrendPoint {
  /** 1-based run number. */
  x: number;
  mean: number;
  ciLow: number | null;
  ciHigh: number | null;
  /** Tooltip: run dir, start time, value. */
  tip: string;
}

export interface TrendLine {
  name: string;
  colourIndex: number;
  points: TrendPoint[];
}

export function trendChart(title: string, metric: string, runs: number, lines: TrendLine[]): string {
  const width = 460;
  const left = 52;
  const top = 24;
  const plotW = width - left - 24;
  const plotH = 170;
  const names = lines.map((l) => l.name);
  const height = top + plotH + 44 + legendHeight(names, width - left);
  const ys = lines.flatMap((l) => l.points.flatMap((p) => [p.mean, p.ciLow ?? p.mean, p.ciHigh ?? p.mean]));
  if (ys.length === 0)
    return svgRoot(width, 60, title, `<text class="note" x="8" y="30">${esc(`${title}: no values`)}</text>`);
  const lo = Math.min(...ys);
  let hi = Math.max(...ys);
  // A flat series widens upward only, so the axis never starts below the lowest value (0 for accuracy).
  if (!(hi > lo)) hi = lo + (Math.abs(lo) * 0.1 || 1);
  const y = linear(lo, hi, top + plotH, top);
  const x = (i: number) => left + 12 + (runs > 1 ? ((i - 1) / (runs - 1)) * (plotW - 24) : (plotW - 24) / 2);
  const body = [yAxis(y, left, left + plotW, metric)];
  for (let i = 1; i <= runs; i++)
    body.push(
      `<text class="tick" x="${px(x(i))}" y="${px(top + plotH + 15)}" text-anchor="middle">${i}</text>`,
    );
  body.push(
    `<text class="axis-label" x="${px(left + plotW / 2)}" y="${px(top + plotH + 32)}" text-anchor="middle">run (oldest first)</text>`,
  );
  for (const l of lines) {
    const c = colour(l.colourIndex);
    const d = l.points.map((p) => `${px(x(p.x))},${px(y(p.mean))}`).join(' ');
    const marks = l.points.map((p) => {
      const cx = px(x(p.x));
      const whisker =
        p.ciLow !== null && p.ciHigh !== null
          ? `<line class="whisker" x1="${cx}" x2="${cx}" y1="${px(y(p.ciLow))}" y2="${px(y(p.ciHigh))}" stroke="${c}"/>`
          : '';
      return `${whisker}<circle cx="${cx}" cy="${px(y(p.mean))}" r="3" fill="${c}"><title>${esc(`${l.name}: ${p.tip}`)}</title></circle>`;
    });
    body.push(
      `<g class="trend-line" data-name="${esc(l.name)}" data-points="${l.points.length}"><polyline class="curve" points="${d}" stroke="${c}"><title>${esc(l.name)}</title></polyline>${marks.join('')}</g>`,
    );
  }
  body.push(
    legend(
      lines.map((l) => ({ name: l.name, colour: colour(l.colourIndex) })),
      left,
      top + plotH + 48,
      width - left,
    ),
  );
  return svgRoot(width, height, title, body.join(''));
}
