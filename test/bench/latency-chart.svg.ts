/** A dependency-free SVG line chart: latency (y) against concurrency (x), one line per series. */
export interface ChartSeries {
  readonly name: string;
  readonly points: readonly { x: number; y: number }[];
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];

export function latencyChartSvg(title: string, xLabel: string, yLabel: string, series: readonly ChartSeries[]): string {
  const width = 720;
  const height = 420;
  const pad = { left: 70, right: 180, top: 40, bottom: 55 };
  const all = series.flatMap((s) => s.points);
  const xMax = Math.max(1, ...all.map((p) => p.x));
  const yMax = Math.max(1, ...all.map((p) => p.y)) * 1.1;
  const sx = (x: number): number => pad.left + (x / xMax) * (width - pad.left - pad.right);
  const sy = (y: number): number => height - pad.bottom - (y / yMax) * (height - pad.top - pad.bottom);
  const esc = (t: string): string => t.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const ticks = 5;
  const grid = Array.from({ length: ticks + 1 }, (_, i) => {
    const y = (yMax / ticks) * i;
    return `<line x1="${pad.left}" x2="${width - pad.right}" y1="${sy(y)}" y2="${sy(y)}" stroke="#ddd"/><text x="${pad.left - 8}" y="${sy(y) + 4}" text-anchor="end" font-size="11">${y.toFixed(y < 10 ? 1 : 0)}</text>`;
  }).join('');
  const xs = [...new Set(all.map((p) => p.x))].sort((a, b) => a - b);
  const xTicks = xs.map((x) => `<text x="${sx(x)}" y="${height - pad.bottom + 18}" text-anchor="middle" font-size="11">${x}</text>`).join('');
  const lines = series
    .map((s, i) => {
      const color = COLORS[i % COLORS.length];
      const pts = [...s.points].sort((a, b) => a.x - b.x);
      const path = pts.map((p, j) => `${j === 0 ? 'M' : 'L'}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ');
      const dots = pts.map((p) => `<circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="3" fill="${color}"/>`).join('');
      const legendY = pad.top + 18 * i;
      return `<path d="${path}" fill="none" stroke="${color}" stroke-width="2"/>${dots}<rect x="${width - pad.right + 15}" y="${legendY - 9}" width="12" height="12" fill="${color}"/><text x="${width - pad.right + 32}" y="${legendY + 1}" font-size="12">${esc(s.name)}</text>`;
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="${width / 2}" y="22" text-anchor="middle" font-size="15">${esc(title)}</text>
${grid}${xTicks}
<line x1="${pad.left}" x2="${pad.left}" y1="${pad.top}" y2="${height - pad.bottom}" stroke="#333"/>
<line x1="${pad.left}" x2="${width - pad.right}" y1="${height - pad.bottom}" y2="${height - pad.bottom}" stroke="#333"/>
<text x="${(pad.left + width - pad.right) / 2}" y="${height - 12}" text-anchor="middle" font-size="12">${esc(xLabel)}</text>
<text transform="translate(16,${(pad.top + height - pad.bottom) / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(yLabel)}</text>
${lines}
</svg>
`;
}
