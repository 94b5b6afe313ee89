/**
 * A horizontal bar chart as an SVG with a title and one labelled bar per value (each bar says its
 * number in words too): enough for rates and counts, no chart library to load.
 */
export interface Bar {
  label: string;
  value: number;
  /** What is written at the bar's end (the value formatted). */
  text: string;
  tone?: string;
}

export function BarChart({ title, bars, max }: { title: string; bars: Bar[]; max?: number }) {
  const top = max ?? Math.max(1, ...bars.map((b) => b.value));
  const row = 28;
  const labelWidth = 140;
  const width = 520;
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg role="img" aria-label={`${title}: ${bars.map((b) => `${b.label} ${b.text}`).join('; ')}`} viewBox={`0 0 ${width} ${bars.length * row + 8}`} width="100%">
        {bars.map((bar, i) => {
          const w = Math.max(2, ((width - labelWidth - 70) * bar.value) / top);
          return (
            <g key={bar.label} transform={`translate(0 ${i * row + 4})`}>
              <text x={labelWidth - 8} y={row / 2 + 4} textAnchor="end" className="chart-label">
                {bar.label}
              </text>
              <rect x={labelWidth} y={4} width={w} height={row - 10} className={`chart-bar ${bar.tone ?? ''}`} />
              <text x={labelWidth + w + 6} y={row / 2 + 4} className="chart-value">
                {bar.text}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
