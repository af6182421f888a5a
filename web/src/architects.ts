/** Each FTA's load against capacity, as a chart, and who is out of office ahead. */
import type { Answer, ArchitectRow } from "./api";
import { barChart } from "./charts";
import { fill, h } from "./dom";
import type { Clock } from "./format";
import { Pager, section, type Section } from "./section";

export class ArchitectsPart {
  readonly section: Section;
  readonly pager: Pager;
  private readonly chart = h("div", { class: "chart-box" });
  private readonly away = h("div", { class: "away" });
  private signature = "";
  rows: ArchitectRow[] = [];

  constructor(private readonly clock: Clock, changed: () => void) {
    this.section = section("architects", "FTAs: load and out of office",
      "Open assignments against each FTA's capacity.");
    this.pager = new Pager("Pages of FTAs", ["FTA", "FTAs"], changed);
    fill(this.section.body, this.chart, this.pager.element, this.away);
  }

  query(): URLSearchParams {
    return new URLSearchParams({ page: String(this.pager.page), page_size: "100" });
  }

  show(answer: Answer<ArchitectRow>, width: number): void {
    this.rows = answer.rows;
    this.pager.show(answer);
    const signature = JSON.stringify([answer.rows, Math.round(width / 40)]);
    if (signature === this.signature) return;
    this.signature = signature;
    const open = this.chart.querySelector("details")?.open ?? false;
    const rows = answer.rows;
    const full = rows.filter((row) => row.active && row.load >= row.capacity).length;
    const max = Math.max(1, ...rows.map((row) => Math.max(row.load, row.capacity)));
    fill(this.chart, rows.length ? barChart({
      title: "Load against capacity",
      summary: `${rows.length} FTAs shown; ${full} at or over capacity.`,
      columns: ["FTA", "Open assignments of capacity"],
      legend: ["Open assignments", "Capacity"],
      max,
      bars: rows.map((row) => ({
        label: row.active ? row.name : `${row.name} (inactive)`,
        value: row.load, behind: row.capacity,
        alert: row.active && row.load >= row.capacity,
        text: `${row.load} of ${row.capacity}${row.load >= row.capacity ? ", full" : ""}`,
        short: `${row.load} of ${row.capacity}`,
      })),
    }, width) : h("p", { class: "empty" }, "No FTAs on the roster."));
    const details = this.chart.querySelector("details");
    if (details) details.open = open;
    const ahead = rows.filter((row) => row.out_of_office.length);
    fill(this.away, h("h3", {}, "Out of office ahead"), ahead.length
      ? h("ul", { class: "away-list" }, ...ahead.flatMap((row) => row.out_of_office.map((span) =>
        h("li", {}, h("span", { class: "number" }, row.name), ": ",
          span.start === span.end ? this.clock.day(span.start)
            : `${this.clock.day(span.start)} to ${this.clock.day(span.end)}`))))
      : h("p", { class: "empty" }, "Nobody on this page is out of office ahead."));
  }
}
