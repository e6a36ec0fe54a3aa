/**
 * Forest plot: one row per technique, its gain over the baseline on one metric (point = mean paired
 * difference, whisker = 95% CI), a zero line, and the verdict as the row's mark: filled when
 * significant, hollow otherwise. Reading right is always "better" (lower-is-better metrics are
 * flipped), so one glance says which techniques helped.
 */
import { colour, esc, linear, px, svgRoot, xAxis } from './svg.ts';

export interface ForestRow {
  name: string;
  colourIndex: number;
  diff: number;
  lo: number | null;
  hi: number | null;
  significant: boolean;
}

export function forestChart(c: {
  title: string;
  metric: string;
  direction: 'higher' | 'lower';
  baseline: string;
  rows: ForestRow[];
}): string {
  const sign = c.direction === 'lower' ? -1 : 1;
  const rows = c.rows.filter((r) => Number.isFinite(r.diff));
  const nameW = Math.min(200, 12 + Math.max(40, ...rows.map((r) => r.name.length * 6.5)));
  const width = nameW + 300;
  const rowH = 22;
  const top = 24;
  const plotBottom = top + rowH * Math.max(1, rows.length);
  const height = plotBottom + 42;
  const vals = rows.flatMap((r) => [r.diff, r.lo ?? r.diff, r.hi ?? r.diff].map((v) => v * sign));
  const x = linear(Math.min(0, ...vals), Math.max(0, ...vals), nameW, width - 16);
  const zero = px(x(0));
  const body = [
    `<line class="zero" x1="${zero}" x2="${zero}" y1="${top - 6}" y2="${plotBottom}"/>`,
    xAxis(
      x,
      plotBottom,
      `gain in ${c.metric} over ${c.baseline} (${c.direction === 'lower' ? 'reduction; ' : ''}right is better)`,
      width,
    ),
  ];
  rows.forEach((r, i) => {
    const cy = top + rowH * i + rowH / 2;
    const col = colour(r.colourIndex);
    const tip = `${r.name}: ${r.diff >= 0 ? '+' : ''}${r.diff.toFixed(3)}${r.lo !== null && r.hi !== null ? ` [${r.lo.toFixed(3)}, ${r.hi.toFixed(3)}]` : ' (no CI)'}, ${r.significant ? 'significant' : 'not significant'}`;
    const parts = [`<g class="forest-row" data-name="${esc(r.name)}"><title>${esc(tip)}</title>`];
    parts.push(
      `<text class="tick" x="${px(nameW - 8)}" y="${px(cy)}" text-anchor="end" dominant-baseline="middle">${esc(r.name)}</text>`,
    );
    if (r.lo !== null && r.hi !== null) {
      const [a, b] = [x(r.lo * sign), x(r.hi * sign)];
      parts.push(
        `<line class="whisker" x1="${px(Math.min(a, b))}" x2="${px(Math.max(a, b))}" y1="${px(cy)}" y2="${px(cy)}"/>`,
      );
    }
    parts.push(
      `<circle cx="${px(x(r.diff * sign))}" cy="${px(cy)}" r="5" stroke="${col}" stroke-width="2" fill="${r.significant ? col : 'none'}"/></g>`,
    );
    body.push(parts.join(''));
  });
  return svgRoot(width, height, `${c.title}: gain in ${c.metric} over ${c.baseline}`, body.join(''));
}
