/** Teacher × teacher answer disagreement (knowledge conflict): a labelled heat map, 0 = always agree. */
import { esc, px, svgRoot } from './svg.ts';

export interface Heatmap {
  title: string;
  teachers: string[];
  matrix: number[][];
}

/** White (agree) to dark orange (always disagree); fixed 0..1 scale so maps are comparable. */
function shade(v: number): string {
  const t = Math.max(0, Math.min(1, v));
  const mix = (a: number, b: number) => Math.round(a + (b - a) * t);
  return `rgb(${mix(255, 166)},${mix(255, 54)},${mix(255, 3)})`;
}

export function heatmapChart(h: Heatmap): string {
  const n = h.teachers.length;
  const cell = 46;
  const left = 16 + Math.min(140, Math.max(...h.teachers.map((t) => t.length)) * 7);
  const top = 28 + Math.min(100, Math.max(...h.teachers.map((t) => t.length)) * 5);
  const width = left + n * cell + 16;
  const height = top + n * cell + 16;
  const body: string[] = [];
  h.teachers.forEach((t, i) => {
    body.push(
      `<text class="tick" x="${px(left - 6)}" y="${px(top + i * cell + cell / 2)}" text-anchor="end" dominant-baseline="middle">${esc(t)}</text>`,
    );
    const cx = px(left + i * cell + cell / 2);
    body.push(
      `<text class="tick" x="${cx}" y="${px(top - 6)}" transform="rotate(-40 ${cx} ${px(top - 6)})">${esc(t)}</text>`,
    );
  });
  h.matrix.forEach((row, i) => {
    row.forEach((v, j) => {
      const x = left + j * cell;
      const y = top + i * cell;
      const tip = `${h.teachers[i]} vs ${h.teachers[j]}: disagree on ${(v * 100).toFixed(1)}% of answers`;
      body.push(
        `<g class="cell"><title>${esc(tip)}</title><rect x="${px(x)}" y="${px(y)}" width="${cell - 2}" height="${cell - 2}" fill="${shade(v)}"/><text class="cell-value${v > 0.6 ? ' dark' : ''}" x="${px(x + cell / 2 - 1)}" y="${px(y + cell / 2)}" text-anchor="middle" dominant-baseline="middle">${v.toFixed(2)}</text></g>`,
      );
    });
  });
  return svgRoot(width, height, h.title, body.join(''));
}
