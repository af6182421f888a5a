/** The last 12 weeks: SLA attainment, hours to assign (p50, p90), declines by reason. */
import { ApiError, type Answer, type DeskApi, type WeekRow } from "./api";
import { barChart } from "./charts";
import { button, fill, h } from "./dom";
import type { Clock } from "./format";
import { section, type Section } from "./section";

export class ReportsPart {
  readonly section: Section;
  private readonly charts = h("div", { class: "charts" });
  private signature = "";

  private readonly download = button("Download the requests (CSV)");
  private readonly downloaded = h("span", { class: "download-status", role: "status" });

  constructor(private readonly clock: Clock, private readonly api: DeskApi) {
    this.section = section("reports", "The last 12 weeks",
      "Measured against each request's original deadline, extensions or not.");
    this.download.addEventListener("click", () => { void this.saveCsv(); });
    fill(this.section.body,
      h("div", { class: "download" }, this.download, this.downloaded), this.charts);
  }

  /** The same 12 weeks, one row per request, as a file Excel opens: fetched with the token,
   * then saved through a link to the downloaded copy. */
  private async saveCsv(): Promise<void> {
    this.download.setAttribute("disabled", "");
    fill(this.downloaded, "Preparing the file…");
    try {
      const { blob, name } = await this.api.download("/api/reports/requests.csv");
      const url = URL.createObjectURL(blob);
      const link = h("a", { href: url, download: name, hidden: true });
      document.body.appendChild(link);
      link.click();
      link.remove();
      window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
      fill(this.downloaded, `Saved ${name}.`);
    } catch (problem) {
      fill(this.downloaded, problem instanceof ApiError ? problem.message
        : "The file could not be made; try again.");
    } finally {
      this.download.removeAttribute("disabled");
    }
  }

  show(answer: Answer<WeekRow>, width: number): void {
    const signature = JSON.stringify([answer.rows, answer.declines_by_reason,
      answer.extensions, Math.round(width / 40)]);
    if (signature === this.signature) return;
    this.signature = signature;
    const open = new Set([...this.charts.querySelectorAll("details")]
      .map((details, index) => (details.open ? index : -1)));
    const chartWidth = width;
    const weeks = answer.rows;
    const clock = this.clock;
    const week = (row: WeekRow) => clock.shortDay(row.week_start);
    const longLabel = (bar: { label: string }) => {
      const row = weeks.find((one) => clock.shortDay(one.week_start) === bar.label);
      return row ? `Week of ${clock.day(row.week_start)}` : bar.label;
    };
    const measured = weeks.filter((row) => row.attainment !== null);
    const mean = measured.length
      ? measured.reduce((sum, row) => sum + (row.attainment ?? 0), 0) / measured.length : null;
    const slowest = Math.max(1, ...weeks.map((row) => row.hours_to_assign_p90 ?? 0),
      ...weeks.map((row) => row.hours_to_assign_p50 ?? 0));
    const declines = [...(answer.declines_by_reason ?? [])].sort((a, b) => b.count - a.count);
    const declineTotal = declines.reduce((sum, row) => sum + row.count, 0);
    fill(this.charts,
      barChart({
        title: "SLA attainment by week (weeks starting)",
        summary: mean === null ? "No request was due in these weeks."
          : `On average ${clock.share(mean)} of requests met the SLA, over ${measured.length} weeks.`,
        columns: ["Week", "Met the SLA"], max: 1, longLabel,
        bars: weeks.map((row) => ({
          label: week(row), value: row.attainment,
          alert: row.attainment !== null && row.attainment < 0.9,
          text: row.attainment === null ? "no requests due"
            : `${clock.share(row.attainment)} (${row.met_sla} of ${row.requests})`,
          short: row.attainment === null ? "none due" : clock.share(row.attainment),
        })),
      }, chartWidth),
      barChart({
        title: "Hours to assign by week: p50 / p90",
        summary: `Median (p50) and 90th percentile (p90) hours from submission to an FTA, `
          + `the slowest p90 ${clock.figure(slowest)} hours.`,
        columns: ["Week", "Hours to assign, p50 and p90"], max: slowest, longLabel,
        legend: ["p50 (median)", "p90"],
        bars: weeks.map((row) => ({
          label: week(row), value: row.hours_to_assign_p50, behind: row.hours_to_assign_p90,
          text: row.hours_to_assign_p50 === null ? "none assigned"
            : `p50 ${clock.figure(row.hours_to_assign_p50)} h, p90 ${clock.figure(row.hours_to_assign_p90)} h`,
          short: row.hours_to_assign_p50 === null ? "none" : `${clock.figure(
            row.hours_to_assign_p50)} / ${clock.figure(row.hours_to_assign_p90)} h`,
        })),
      }, chartWidth),
      declines.length ? barChart({
        title: "Declines by reason",
        summary: `${declineTotal} declines in 12 weeks; most often: ${declines[0]?.reason}.`,
        columns: ["Reason", "Declines"], max: Math.max(1, ...declines.map((row) => row.count)),
        bars: declines.map((row) => ({ label: row.reason, value: row.count,
          text: String(row.count) })),
      }, chartWidth) : h("p", { class: "empty" }, "No declines in these 12 weeks."),
      h("p", { class: "section-intro" },
        `Deadlines extended by a manager in these weeks: ${answer.extensions ?? 0}.`));
    this.charts.querySelectorAll("details").forEach((details, index) => {
      details.open = open.has(index);
    });
  }
}
