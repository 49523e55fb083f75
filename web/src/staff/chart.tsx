import { locale } from "../i18n/index.ts";

export interface Bar {
  label: string;
  value: number;
  /** How the value reads in the chart and the table ("12 h 30 min"). */
  text: string;
}

/**
 * A horizontal bar chart drawn in SVG: one labelled bar per row, so long names and a phone's
 * width both fit. It is a picture for sighted readers (hidden from screen readers): the table the
 * page puts beside it holds the same figures, and is what a screen reader reads. Each bar carries
 * its value, so a test can check the picture against the table and the API.
 */
export function BarChart(props: { id: string; bars: Bar[] }) {
  const max = Math.max(1, ...props.bars.map((b) => b.value));
  const width = 320;
  const row = 42;
  const height = Math.max(row, props.bars.length * row);
  return (
    <svg
      class="bar-chart"
      id={props.id}
      viewBox={`0 0 ${width} ${height}`}
      width="100%"
      aria-hidden="true"
      focusable="false"
    >
      {props.bars.map((b, i) => {
        const y = i * row;
        const length = Math.max(b.value > 0 ? 2 : 0, (b.value / max) * (width - 90));
        return (
          <g key={b.label} data-label={b.label} data-value={String(b.value)}>
            <text x="0" y={y + 14} class="bar-label">
              {b.label}
            </text>
            <rect class="bar" x="0" y={y + 20} width={length} height="16" />
            <text x={length + 5} y={y + 33} class="bar-value">
              {b.text}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/** A share as people read it: "38 %". */
export function percent(share: number): string {
  return new Intl.NumberFormat(locale.value, { style: "percent", maximumFractionDigits: 0 }).format(share);
}
