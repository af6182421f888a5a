/** Charts as inline SVG: each one an image with a spoken summary (role="img", aria-label),
 * and its figures in a real table beside it for anyone who prefers or needs them. */
import { h, svg, uid } from "./dom";

export interface Bar {
  label: string;
  value: number | null;
  /** A second, lighter bar behind the first (capacity behind load, p90 behind p50). */
  behind?: number | null;
  /** Says the bar is past its limit, in words as well as in colour. */
  alert?: boolean;
  text: string;
  /** What the chart itself writes at the bar's end, when the text is too long for it. */
  short?: string;
}

export interface Chart {
  title: string;
  summary: string;
  bars: Bar[];
  /** The label the table gives a bar, when the chart's own is shortened. */
  longLabel?: (bar: Bar) => string;
  max: number;
  columns: [string, string];
  legend?: [string, string];
}

const ROW = 26;

/** Horizontal bars: one row per item, its figure written at the end of the bar. Drawn at the
 * width it is shown at (``width`` pixels), so its text stays readable on a phone. */
export function barChart(chart: Chart, width: number): HTMLElement {
  const WIDTH = Math.round(Math.min(720, Math.max(260, width)));
  const LABEL = Math.round(Math.min(150, WIDTH * 0.34));
  const FIGURE = Math.round(Math.min(140, WIDTH * 0.3));
  const height = Math.max(ROW, chart.bars.length * ROW) + 8;
  const plot = WIDTH - LABEL - FIGURE;
  const said = (bar: Bar) => (FIGURE < 120 && bar.short ? bar.short : bar.text);
  const scale = (value: number) => (chart.max > 0 ? (Math.max(0, value) / chart.max) * plot : 0);
  const image = svg("svg", {
    role: "img", "aria-label": `${chart.title}. ${chart.summary}`,
    viewBox: `0 0 ${WIDTH} ${height}`, width: WIDTH, height, class: "chart",
  });
  chart.bars.forEach((bar, index) => {
    const y = index * ROW + 4;
    const label = svg("text", { x: LABEL - 8, y: y + 15, class: "chart-label",
      "text-anchor": "end" }, truncate(bar.label, Math.floor(LABEL / 7.5)));
    image.appendChild(label);
    if (bar.behind !== undefined && bar.behind !== null) {
      image.appendChild(svg("rect", { x: LABEL, y: y + 2, width: Math.max(1, scale(bar.behind)),
        height: ROW - 8, class: "chart-behind" }));
    }
    if (bar.value !== null) {
      image.appendChild(svg("rect", { x: LABEL, y: y + 5, width: Math.max(1, scale(bar.value)),
        height: ROW - 14, class: bar.alert ? "chart-bar chart-alert" : "chart-bar" }));
    }
    const end = LABEL + Math.max(scale(bar.value ?? 0), scale(bar.behind ?? 0)) + 6;
    image.appendChild(svg("text", { x: Math.min(end, WIDTH - FIGURE + 4), y: y + 15,
      class: bar.alert ? "chart-figure chart-alert-text" : "chart-figure" },
    bar.alert ? `⚠ ${said(bar)}` : said(bar)));
  });
  const titleId = uid("chart");
  return h("figure", { class: "chart-figure-box", "aria-labelledby": titleId },
    h("figcaption", { id: titleId, class: "chart-title" }, chart.title),
    chart.legend ? legend(chart.legend) : null,
    image,
    figuresTable(chart));
}

function legend([front, back]: [string, string]): HTMLElement {
  return h("p", { class: "chart-legend" },
    h("span", { class: "swatch swatch-bar", "aria-hidden": "true" }), ` ${front} `,
    h("span", { class: "swatch swatch-behind", "aria-hidden": "true" }), ` ${back}`);
}

function figuresTable(chart: Chart): HTMLElement {
  return h("details", { class: "chart-data" },
    h("summary", {}, `${chart.title}: the figures`),
    h("table", {},
      h("caption", { class: "visually-hidden" }, chart.title),
      h("thead", {}, h("tr", {},
        h("th", { scope: "col" }, chart.columns[0]), h("th", { scope: "col" }, chart.columns[1]))),
      h("tbody", {}, ...chart.bars.map((bar) => h("tr", {},
        h("th", { scope: "row" }, chart.longLabel?.(bar) ?? bar.label), h("td", {}, bar.text))))));
}

function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
