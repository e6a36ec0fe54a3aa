/**
 * Identity leakage: ICE loose / strict / hard per technique as grouped bars (lower is better:
 * a higher bar means the student more often claims its teacher's identity).
 */
import { colour, esc, legend, legendHeight, linear, px, svgRoot, yAxis } from './svg.ts';

export interface LeakageGroup {
  name: string;
  /** metric id → mean and CI; missing ids are skipped. */
  values: Record<string, { mean: number; lo: number | null; hi: number | null }>;
}

export function leakageChart(title: string, metrics: string[], groups: LeakageGroup[]): string {
  const left = 48;
  const top = 24;
  const plotH = 150;
  const barW = 14;
  const slot = metrics.length * barW + 18;
  const width = Math.max(260, left + slot * groups.length + 16);
  const longest = Math.max(0, ...groups.map((g) => g.name.length));
  const labels = 16 + Math.min(120, longest * 4.2);
  const height = top + plotH + labels + legendHeight(metrics, width - left) + 8;
  const vals = groups
    .flatMap((g) => Object.values(g.values).flatMap((v) => [v.mean, v.lo ?? v.mean, v.hi ?? v.mean]))
    .filter(Number.isFinite);
  // Rates are >= 0 but a t interval over few seeds can dip below 0: keep the whole whisker visible.
  const y = linear(Math.min(0, ...vals), Math.max(0.05, ...vals), top + plotH, top);
  const body = [yAxis(y, left, width - 8, 'contradiction rate ↓')];
  groups.forEach((g, gi) => {
    const gx = left + 10 + gi * slot;
    metrics.forEach((m, mi) => {
      const v = g.values[m];
      if (!v || !Number.isFinite(v.mean)) return;
      const x = gx + mi * barW;
      const tip = `${g.name} ${m}: ${v.mean.toFixed(3)}${v.lo !== null && v.hi !== null ? ` [${v.lo.toFixed(3)}, ${v.hi.toFixed(3)}]` : ''}`;
      const whisker =
        v.lo !== null && v.hi !== null
          ? `<line class="whisker" x1="${px(x + barW / 2 - 1)}" x2="${px(x + barW / 2 - 1)}" y1="${px(y(v.lo))}" y2="${px(y(v.hi))}"/>`
          : '';
      body.push(
        `<g class="bar"><title>${esc(tip)}</title><rect x="${px(x)}" y="${px(y(Math.max(0, v.mean)))}" width="${barW - 2}" height="${px(Math.max(1, y(0) - y(Math.max(0, v.mean))))}" fill="${colour(mi + 1)}"/>${whisker}</g>`,
      );
    });
    const lx = px(gx + (metrics.length * barW) / 2);
    const ly = px(top + plotH + 12);
    body.push(
      `<text class="tick" x="${lx}" y="${ly}" text-anchor="end" transform="rotate(-35 ${lx} ${ly})">${esc(g.name)}</text>`,
    );
  });
  body.push(
    legend(
      metrics.map((m, mi) => ({ name: m, colour: colour(mi + 1) })),
      left,
      top + plotH + labels + 12,
      width - left,
    ),
  );
  return svgRoot(width, height, title, body.join(''));
}
