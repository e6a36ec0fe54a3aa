/** Metric bars with 95% CI whiskers, one bar per technique (× student). */
import { colour, esc, linear, px, svgRoot, yAxis } from './svg.ts';

export interface Bar {
  name: string;
  colourIndex: number;
  mean: number;
  lo: number | null;
  hi: number | null;
  best: boolean;
}

export interface BarChart {
  title: string;
  metric: string;
  direction: 'higher' | 'lower';
  bars: Bar[];
}

export function barChart(c: BarChart): string {
  const bars = c.bars.filter((b) => Number.isFinite(b.mean));
  const slot = 46;
  const left = 48;
  const top = 24;
  const plotH = 150;
  const width = Math.max(220, left + slot * bars.length + 16);
  const longest = Math.max(0, ...bars.map((b) => b.name.length));
  const height = top + plotH + 20 + Math.min(120, longest * 4.2);
  const vals = bars.flatMap((b) => [b.mean, b.lo ?? b.mean, b.hi ?? b.mean]);
  // Bars start at zero when all values are non-negative, otherwise the lengths would mislead.
  const y = linear(Math.min(0, ...vals), Math.max(0, ...vals), top + plotH, top);
  const label = `${c.metric} (${c.direction === 'higher' ? '↑ higher is better' : '↓ lower is better'})`;
  const body = [yAxis(y, left, width - 8, label)];
  bars.forEach((b, i) => {
    const x = left + 8 + i * slot;
    const y0 = y(0);
    const y1 = y(b.mean);
    const tip = `${b.name}: ${b.mean.toFixed(3)}${b.lo !== null && b.hi !== null ? ` [${b.lo.toFixed(3)}, ${b.hi.toFixed(3)}]` : ' (no CI)'}${b.best ? ' — best' : ''}`;
    body.push(
      `<g class="bar${b.best ? ' best' : ''}"><title>${esc(tip)}</title><rect x="${px(x)}" y="${px(Math.min(y0, y1))}" width="${slot - 16}" height="${px(Math.max(1, Math.abs(y1 - y0)))}" fill="${colour(b.colourIndex)}"/>`,
    );
    if (b.lo !== null && b.hi !== null) {
      const cx = px(x + (slot - 16) / 2);
      body.push(
        `<line class="whisker" x1="${cx}" x2="${cx}" y1="${px(y(b.lo))}" y2="${px(y(b.hi))}"/><line class="whisker" x1="${px(x + 6)}" x2="${px(x + slot - 22)}" y1="${px(y(b.lo))}" y2="${px(y(b.lo))}"/><line class="whisker" x1="${px(x + 6)}" x2="${px(x + slot - 22)}" y1="${px(y(b.hi))}" y2="${px(y(b.hi))}"/>`,
      );
    }
    if (b.best)
      body.push(
        `<text class="best-mark" x="${px(x + (slot - 16) / 2)}" y="${px(Math.min(y1, y(b.hi ?? b.mean)) - 4)}" text-anchor="middle">★</text>`,
      );
    const lx = px(x + (slot - 16) / 2);
    const ly = px(top + plotH + 12);
    body.push(
      `<text class="tick" x="${lx}" y="${ly}" text-anchor="end" transform="rotate(-35 ${lx} ${ly})">${esc(b.name)}</text></g>`,
    );
  });
  return svgRoot(width, height, `${c.title}: ${label}`, body.join(''));
}
