/**
 * Small helpers for hand-built SVG charts. Charts are strings built at report time (no browser
 * needed, no network, deterministic): coordinates are rounded to 0.1 px so output is byte-stable.
 */

/** Escapes text for SVG/HTML element content and attribute values (names come from run files). */
export function esc(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

export const px = (x: number): string => (Math.round(x * 10) / 10).toString();

/** Colour-blind-safe palette (Okabe-Ito), assigned by technique index so colours agree across charts. */
const PALETTE = [
  '#555555',
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#D55E00',
  '#56B4E9',
  '#F0E442',
  '#000000',
];

export function colour(i: number): string {
  return PALETTE[i % PALETTE.length];
}

export interface Scale {
  (v: number): number;
  ticks: number[];
}

/** "Nice" tick step (1, 2 or 5 × 10^k) giving about `count` ticks over [lo, hi]. */
function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

/** Linear scale from a data domain (widened to nice ticks) to a pixel range. */
export function linear(lo: number, hi: number, r0: number, r1: number, tickCount = 4): Scale {
  if (!(hi > lo)) {
    const pad = Math.abs(lo) > 0 ? Math.abs(lo) * 0.1 : 1;
    lo -= pad;
    hi += pad;
  }
  const step = niceStep(hi - lo, tickCount);
  const d0 = Math.floor(lo / step + 1e-9) * step;
  const d1 = Math.ceil(hi / step - 1e-9) * step;
  const f = ((v: number) => r0 + ((v - d0) / (d1 - d0)) * (r1 - r0)) as Scale;
  f.ticks = [];
  for (let t = d0; t <= d1 + step / 2; t += step)
    f.ticks.push(Math.abs(t) < step / 1e6 ? 0 : +t.toPrecision(12));
  return f;
}

/** Log10 scale for costs spanning orders of magnitude (trainable parameters, wall time). */
export function log10(lo: number, hi: number, r0: number, r1: number): Scale {
  const a = Math.floor(Math.log10(Math.max(lo, 1e-12)));
  const b = Math.max(a + 1, Math.ceil(Math.log10(Math.max(hi, 1e-12))));
  const f = ((v: number) => r0 + ((Math.log10(Math.max(v, 1e-12)) - a) / (b - a)) * (r1 - r0)) as Scale;
  f.ticks = [];
  for (let k = a; k <= b; k++) f.ticks.push(10 ** k);
  return f;
}

export function tickLabel(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e3) return `${+(v / 1e3).toPrecision(3)}k`;
  return `${+v.toPrecision(3)}`;
}

/** The root element every chart uses; `role=img` + <title> so screen readers and tests find it. */
export function svgRoot(width: number, height: number, title: string, body: string): string {
  return `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(title)}"><title>${esc(title)}</title>${body}</svg>`;
}

/** Left axis with gridlines and tick labels. */
export function yAxis(
  scale: Scale,
  x0: number,
  x1: number,
  label: string,
  fmt: (v: number) => string = tickLabel,
): string {
  const parts = scale.ticks.map((t) => {
    const y = px(scale(t));
    return `<line class="grid" x1="${px(x0)}" x2="${px(x1)}" y1="${y}" y2="${y}"/><text class="tick" x="${px(x0 - 4)}" y="${y}" text-anchor="end" dominant-baseline="middle">${esc(fmt(t))}</text>`;
  });
  const mid = (scale(scale.ticks[0]) + scale(scale.ticks[scale.ticks.length - 1])) / 2;
  parts.push(
    `<text class="axis-label" transform="translate(12 ${px(mid)}) rotate(-90)" text-anchor="middle">${esc(label)}</text>`,
  );
  return parts.join('');
}

/** Bottom axis with tick labels. */
export function xAxis(
  scale: Scale,
  y: number,
  label: string,
  width: number,
  fmt: (v: number) => string = tickLabel,
): string {
  const parts = scale.ticks.map((t) => {
    const x = px(scale(t));
    return `<line class="tickmark" x1="${x}" x2="${x}" y1="${px(y)}" y2="${px(y + 4)}"/><text class="tick" x="${x}" y="${px(y + 15)}" text-anchor="middle">${esc(fmt(t))}</text>`;
  });
  parts.push(
    `<text class="axis-label" x="${px(width / 2)}" y="${px(y + 32)}" text-anchor="middle">${esc(label)}</text>`,
  );
  return parts.join('');
}

const legendItemWidth = (name: string) => 24 + name.length * 6.5;
const LEGEND_ROW = 16;

/** Item positions of a legend wrapped into rows no wider than maxWidth. */
function legendLayout(names: string[], maxWidth: number): { dx: number; row: number }[] {
  let dx = 0;
  let row = 0;
  return names.map((n) => {
    const w = legendItemWidth(n);
    if (dx > 0 && dx + w > maxWidth) {
      dx = 0;
      row++;
    }
    const at = { dx, row };
    dx += w;
    return at;
  });
}

/** Height a legend() of these names takes when wrapped at maxWidth. */
export function legendHeight(names: string[], maxWidth: number): number {
  const rows = names.length ? Math.max(...legendLayout(names, maxWidth).map((p) => p.row)) + 1 : 0;
  return rows * LEGEND_ROW;
}

/** Coloured swatches with names, wrapped into rows; (x, y) is the first row's text baseline. */
export function legend(
  items: { name: string; colour: string }[],
  x: number,
  y: number,
  maxWidth: number,
): string {
  const at = legendLayout(
    items.map((i) => i.name),
    maxWidth,
  );
  return items
    .map((it, i) => {
      const cx = x + at[i].dx;
      const cy = y + at[i].row * LEGEND_ROW;
      return `<rect x="${px(cx)}" y="${px(cy - 8)}" width="10" height="10" fill="${it.colour}"/><text class="legend" x="${px(cx + 14)}" y="${px(cy)}">${esc(it.name)}</text>`;
    })
    .join('');
}
