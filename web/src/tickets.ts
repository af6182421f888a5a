/** FTCHelp tickets: topic, impact and priority, age, agent, their own SLA. */
import type { Answer, TicketRow } from "./api";
import { button, fill, h } from "./dom";
import { age, type Clock } from "./format";
import { reconcile } from "./rows";
import { ACTION_LABELS, Pager, cell, header, section, type Section } from "./section";

export type OpenTicketAction = (action: string, row: TicketRow, trigger: HTMLElement) => void;

const PRIORITY: Record<string, string> = { high: "High priority", normal: "Normal priority",
  low: "Low priority" };

export class TicketsPart {
  readonly section: Section;
  readonly pager: Pager;
  private readonly tbody = h("tbody");
  private table!: HTMLTableElement;
  private readonly empty = h("p", { class: "empty", hidden: true }, "No open FTCHelp tickets.");

  constructor(private readonly clock: Clock, private readonly open: OpenTicketAction,
    changed: () => void) {
    this.section = section("tickets", "FTCHelp tickets",
      "Open tickets, with the impact the seller gave and FTCHelp's own SLA.");
    this.pager = new Pager("Pages of tickets", ["ticket", "tickets"], changed);
    const table = this.table = h("table", { class: "rows" },
      h("caption", { class: "visually-hidden" }, "FTCHelp tickets"),
      header(["Ticket", "Topic", "Impact", "Age", "Agent", "SLA due", "Actions"]), this.tbody);
    fill(this.section.body, this.empty, h("div", { class: "table-box" }, table),
      this.pager.element);
  }

  query(): URLSearchParams {
    return new URLSearchParams({ page: String(this.pager.page) });
  }

  show(answer: Answer<TicketRow>): void {
    this.pager.show(answer);
    this.empty.hidden = answer.rows.length > 0;
    // Nobody may act on any row here (a seller, say): no column of dashes.
    this.table.classList.toggle("no-actions", answer.rows.every((row) => !row.actions.length));
    reconcile(this.tbody, answer.rows.map((row) => ({
      key: String(row.id), signature: JSON.stringify(row), render: () => this.row(row),
    })));
  }

  private row(row: TicketRow): HTMLElement {
    const clock = this.clock;
    const actions = h("div", { class: "actions" });
    for (const action of row.actions) {
      const label = ACTION_LABELS[action];
      if (!label) continue;
      const control = button(label, { "aria-label": `${label} ${row.number}`,
        "data-focus": action, "data-action": action, "aria-haspopup": "dialog" });
      control.addEventListener("click", () => this.open(action, row, control));
      actions.appendChild(control);
    }
    if (!actions.childElementCount) actions.appendChild(h("span", { class: "note" }, "—"));
    return h("tr", { class: row.overdue ? "overdue-row" : null },
      h("th", { scope: "row", "data-label": "Ticket" }, h("span", { class: "number" }, row.number)),
      cell("Topic", row.topic),
      cell("Impact", h("span", {}, row.impact_label),
        h("span", { class: `priority priority-${row.priority}` }, PRIORITY[row.priority] ?? "")),
      cell("Age", age(row.age_hours)),
      cell("Agent", row.agent ? row.agent.name : h("span", { class: "note" }, "Not taken yet")),
      cell("SLA due", h("div", { class: row.overdue ? "deadline overdue" : "deadline" },
        h("time", { datetime: row.sla_due }, clock.moment(row.sla_due)),
        row.overdue ? h("span", { class: "time-left" },
          h("span", { class: "overdue-mark", "aria-hidden": "true" }, "⚠ "), "Overdue") : null)),
      cell("Actions", actions));
  }
}
