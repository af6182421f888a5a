/** The desk: which parts this viewer sees, a poll every 5 seconds that updates them in place,
 * and the page that says why when the server refuses. */
import { ApiError, type Answer, type ArchitectRow, type DeskApi, type RequestRow,
  type TicketRow, type Viewer, type WeekRow } from "./api";
import { ActionDialog } from "./actions";
import { Announcer } from "./announce";
import { ArchitectsPart } from "./architects";
import { button, fill, h } from "./dom";
import type { Clock } from "./format";
import { ReportsPart } from "./reports";
import { RequestsPart } from "./requests";
import { TicketsPart } from "./tickets";

export const POLL_MS = 5000;

interface Parts {
  requests: RequestsPart;
  tickets: TicketsPart | null;
  architects: ArchitectsPart | null;
  reports: ReportsPart | null;
}

export class Desk {
  private parts: Parts | null = null;
  private timer = 0;
  private running = false;
  private stopped = false;
  private agents: { id: string; name: string }[] = [];
  private ftas: { id: string; name: string }[] = [];
  private readonly announcer: Announcer;
  private readonly dialog: ActionDialog;
  private readonly notice = h("div", { class: "notice", role: "status" });

  constructor(private readonly api: DeskApi, private readonly clock: Clock,
    private readonly main: HTMLElement, private readonly banner: HTMLElement,
    live: HTMLElement, private readonly inTeams: boolean) {
    this.announcer = new Announcer(live);
    this.dialog = new ActionDialog(api, clock, {
      architects: () => this.architectChoices(),
      agents: () => this.agents,
    }, (message) => this.acted(message));
    document.addEventListener("visibilitychange", () => {
      if (!document.hidden) this.refreshSoon(0);
    });
    let width = window.innerWidth;
    window.addEventListener("resize", () => {
      if (Math.abs(window.innerWidth - width) > 40) { width = window.innerWidth; this.refreshSoon(0); }
    });
  }

  start(): void { this.refreshSoon(0); }

  private refreshSoon(ms: number): void {
    window.clearTimeout(this.timer);
    if (!this.stopped) this.timer = window.setTimeout(() => void this.refresh(), ms);
  }

  /** One poll: the requests first (they say who is looking), then the parts that viewer has. */
  async refresh(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      if (document.hidden && this.parts) return;
      const query = this.parts?.requests.query() ?? new URLSearchParams({ page: "1" });
      const answer = await this.api.section<RequestRow>("requests", query);
      const parts = this.layout(answer.viewer);
      this.ftas = answer.filters.ftas ?? this.ftas;
      parts.requests.show(answer);
      this.announcer.requests(answer.rows, query.toString());
      fill(parts.requests.section.status, "Updated ",
        h("time", { datetime: answer.generated_at }, this.clock.moment(answer.generated_at)),
        `; refreshes every 5 seconds. Times are in ${this.clock.zone}.`);
      await Promise.all([this.refreshTickets(parts), this.refreshArchitects(parts),
        this.refreshReports(parts)]);
    } catch (problem) {
      this.failed(problem);
    } finally {
      this.running = false;
      this.refreshSoon(POLL_MS);
    }
  }

  private layout(viewer: Viewer): Parts {
    if (this.parts) return this.parts;
    const roles = new Set(viewer.roles);
    const manager = roles.has("manager") || roles.has("admin");
    const changed = () => this.refreshSoon(0);
    this.parts = {
      requests: new RequestsPart(viewer, this.clock,
        (action, row, trigger) => this.dialog.openRequest(action, row, trigger), changed),
      tickets: manager || roles.has("ftchelp") ? new TicketsPart(this.clock,
        (action, row, trigger) => this.dialog.openTicket(action, row, trigger), changed) : null,
      architects: manager ? new ArchitectsPart(this.clock, changed) : null,
      reports: manager ? new ReportsPart(this.clock, this.api) : null,
    };
    fill(this.banner, viewer.demo ? h("div", { class: "banner", role: "note" },
      h("strong", {}, "Demo mode. "),
      `The bot runs without a Microsoft app id, so the desk asks for no sign-in: you are `
      + `${viewer.name}, the Agents Playground's user, with a manager's and FTCHelp's rights.`)
      : null);
    const who = document.getElementById("who");
    if (who) fill(who, `${viewer.name}: ${describe(viewer)}`);
    fill(this.main, this.notice,
      ...[this.parts.requests, this.parts.tickets, this.parts.architects, this.parts.reports]
        .filter((part) => part !== null).map((part) => part!.section.element));
    return this.parts;
  }

  private async refreshTickets(parts: Parts): Promise<void> {
    const part = parts.tickets;
    if (!part) return;
    await this.partly(part.section.status, async () => {
      const answer = await this.api.section<TicketRow>("tickets", part.query());
      this.agents = answer.filters.agents ?? this.agents;
      part.show(answer);
    });
  }

  private async refreshArchitects(parts: Parts): Promise<void> {
    const part = parts.architects;
    if (!part) return;
    await this.partly(part.section.status, async () => {
      const answer = await this.api.section<ArchitectRow>("architects", part.query());
      part.show(answer, this.chartWidth(part.section.element));
    });
  }

  private async refreshReports(parts: Parts): Promise<void> {
    const part = parts.reports;
    if (!part) return;
    await this.partly(part.section.status, async () => {
      const answer = await this.api.section<WeekRow>("reports", new URLSearchParams());
      part.show(answer as Answer<WeekRow>, this.chartWidth(part.section.element));
    });
  }

  /** A part the server refuses or fails says so in its own status line; the others go on. */
  private async partly(status: HTMLElement, load: () => Promise<void>): Promise<void> {
    try {
      await load();
      if (status.dataset.problem) { fill(status); delete status.dataset.problem; }
    } catch (problem) {
      status.dataset.problem = "yes";
      fill(status, problem instanceof ApiError ? problem.message : "Could not load this part.");
    }
  }

  private chartWidth(section: HTMLElement): number {
    return Math.max(260, (section.clientWidth || window.innerWidth) - 40);
  }

  private architectChoices(): { id: string; label: string }[] {
    const rows = this.parts?.architects?.rows ?? [];
    if (rows.length) {
      return rows.filter((row) => row.active).map((row) => ({ id: row.id,
        label: `${row.name} (${row.load} of ${row.capacity}${row.out_of_office.length
          ? ", out of office ahead" : ""})` }));
    }
    return this.ftas.map((fta) => ({ id: fta.id, label: fta.name }));
  }

  private acted(message: string): void {
    fill(this.notice, h("p", { class: "notice-text" }, message));
    this.refreshSoon(0);
  }

  private failed(problem: unknown): void {
    if (problem instanceof ApiError && (problem.status === 401 || problem.status === 403)) {
      this.refused(problem);
      return;
    }
    const words = problem instanceof ApiError ? problem.message : "Something went wrong.";
    if (!this.parts) {
      fill(this.main, h("h2", {}, "The desk could not load"), h("p", {}, words),
        h("p", {}, "It tries again every 5 seconds."));
      return;
    }
    fill(this.parts.requests.section.status, `Not refreshed: ${words} Trying again.`);
  }

  /** 401 and 403: a page that says why, in place of the desk. */
  private refused(problem: ApiError): void {
    this.stopped = true;
    this.parts = null;
    const signIn = problem.status === 401;
    const title = signIn ? "You are not signed in to the desk"
      : "This part of the desk is not yours to see";
    const why = signIn
      ? (this.inTeams ? "Teams did not give the desk a sign-in for you, or it has expired."
        : "The desk asks Teams who you are, and this page is open outside Teams.")
      : "The desk shows each person their part: sellers their requests, FTAs their offers and "
        + "assignments, FTCHelp the tickets, and FTA managers the whole desk.";
    const again = button("Try again", { appearance: "primary", size: "medium" });
    again.addEventListener("click", () => { this.stopped = false; this.refreshSoon(0); });
    document.title = `${title} · FTA desk`;
    fill(this.banner);
    fill(this.main, h("div", { class: "refused" },
      h("h2", { tabindex: "-1", id: "refused-heading" }, title),
      h("p", { class: "refused-reason" }, `The server said: ${problem.message}`),
      h("p", {}, why),
      h("p", {}, signIn ? "Open the desk from its tab in Teams."
        : "If you manage FTAs, ask to be added to the FTA managers' channel."),
      again));
    document.getElementById("refused-heading")?.focus();
  }
}

function describe(viewer: Viewer): string {
  const roles = new Set(viewer.roles);
  if (roles.has("manager") || roles.has("admin")) return "FTA manager's view";
  if (roles.has("ftchelp")) return "FTCHelp's view";
  if (roles.has("fta")) return "FTA's view";
  return "seller's view";
}
