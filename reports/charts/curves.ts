/** Training curves: total loss per optimizer step, one line per technique (mean over seeds). */
import { colour, esc, legend, legendHeight, linear, px, svgRoot, xAxis, yAxis } from './svg.ts';

export interface Curve {
  name: string;
  colourIndex: number;
  points: [number, number][];
}

export function curvesChart(title: string, curves: Curve[]): string {
  const lines = curves.filter((c) => c.points.length > 0);
  const width = 460;
  const left = 52;
  const top = 24;
  const plotW = width - left - 16;
  const plotH = 180;
  const height =
    top +
    plotH +
    48 +
    legendHeight(
      lines.map((c) => c.name),
      width - left,
    );
  const all = lines.flatMap((c) => c.points);
  if (all.length === 0)
    return svgRoot(
      width,
      60,
      title,
      `<text class="note" x="8" y="30">${esc(`${title}: no loss curves recorded`)}</text>`,
    );
  const x = linear(
    Math.min(...all.map((p) => p[0])),
    Math.max(...all.map((p) => p[0])),
    left,
    left + plotW,
    5,
  );
  const y = linear(Math.min(...all.map((p) => p[1])), Math.max(...all.map((p) => p[1])), top + plotH, top);
  const body = [
    yAxis(y, left, left + plotW, 'loss (total)'),
    xAxis(x, top + plotH, 'optimizer step', left + plotW / 2 + left / 2),
  ];
  for (const c of lines) {
    const d = c.points.map((p) => `${px(x(p[0]))},${px(y(p[1]))}`).join(' ');
    body.push(
      `<polyline class="curve" points="${d}" stroke="${colour(c.colourIndex)}"><title>${esc(c.name)}</title></polyline>`,
    );
  }
  body.push(
    legend(
      lines.map((c) => ({ name: c.name, colour: colour(c.colourIndex) })),
      left,
      top + plotH + 52,
      width - left,
    ),
  );
  return svgRoot(width, height, title, body.join(''));
}
