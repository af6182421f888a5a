/** Open FTA requests: filters sent to the server, the table, and its pages. */
import type { Answer, Filters, Option, RequestRow, Viewer } from "./api";
import { button, fill, h } from "./dom";
import { timeLeft, type Clock } from "./format";
import { reconcile } from "./rows";
import { ACTION_LABELS, Pager, cell, header, section, type Section } from "./section";

export type OpenAction = (action: string, row: RequestRow, trigger: HTMLElement) => void;

const FILTERS = [
  { name: "state", label: "State", list: "states" },
  { name: "segment", label: "Segment", list: "segments" },
  { name: "region", label: "Region", list: "regions" },
  { name: "fta", label: "FTA", list: "ftas" },
] as const;

export function requestsTitle(viewer: Viewer): [string, string] {
  const roles = new Set(viewer.roles);
  if (roles.has("manager") || roles.has("admin")) {
    return ["Open FTA requests", "Every open request, with its deadline and where it stands."];
  }
  if (roles.has("fta")) {
    return ["Your offers and assignments", "The requests offered or assigned to you."];
  }
  return ["Your open requests", "The FTA requests you submitted that are still open."];
}

export class RequestsPart {
  readonly section: Section;
  readonly pager: Pager;
  private readonly form: HTMLFormElement;
  private readonly selects = new Map<string, HTMLSelectElement>();
  private readonly tbody = h("tbody");
  private table!: HTMLTableElement;
  private readonly empty = h("p", { class: "empty", hidden: true });
  private optionSignatures = new Map<string, string>();

  constructor(viewer: Viewer, private readonly clock: Clock,
    private readonly open: OpenAction, private readonly changed: () => void) {
    const [title, intro] = requestsTitle(viewer);
    this.section = section("requests", title, intro);
    this.pager = new Pager("Pages of requests", ["request", "requests"], () => this.changed());
    this.form = h("form", { class: "filters", role: "search", "aria-label": "Filter the requests" });
    for (const filter of FILTERS) {
      const id = `filter-${filter.name}`;
      const select = h("select", { id, name: filter.name });
      select.appendChild(h("option", { value: "" }, "All"));
      select.addEventListener("change", () => { this.pager.page = 1; this.changed(); });
      this.selects.set(filter.name, select);
      this.form.appendChild(h("div", { class: "field", "data-filter": filter.name },
        h("label", { for: id }, filter.label), select));
    }
    const clear = button("Clear filters", { "data-focus": "clear", size: "medium" });
    clear.addEventListener("click", () => {
      for (const select of this.selects.values()) select.value = "";
      this.pager.page = 1;
      this.changed();
    });
    this.form.appendChild(h("div", { class: "field field-action" }, clear));
    this.form.addEventListener("submit", (event) => event.preventDefault());
    const table = this.table = h("table", { class: "rows" },
      h("caption", { class: "visually-hidden" }, title),
      header(["Request", "Customer", "Segment and region", "Submitted", "Deadline",
        "Where it stands", "Actions"]),
      this.tbody);
    fill(this.section.body, this.form, this.empty, h("div", { class: "table-box" }, table),
      this.pager.element);
  }

  /** The filters and page as the server takes them. */
  query(): URLSearchParams {
    const query = new URLSearchParams();
    for (const [name, select] of this.selects) if (select.value) query.set(name, select.value);
    query.set("page", String(this.pager.page));
    return query;
  }

  show(answer: Answer<RequestRow>): void {
    this.showFilters(answer.filters);
    this.pager.show(answer);
    const filtered = [...this.selects.values()].some((select) => select.value);
    this.empty.hidden = answer.rows.length > 0;
    fill(this.empty, filtered ? "No open request matches these filters."
      : "No open requests right now.");
    // Nobody may act on any row here (a seller, say): no column of dashes.
    this.table.classList.toggle("no-actions", answer.rows.every((row) => !row.actions.length));
    reconcile(this.tbody, answer.rows.map((row) => ({
      key: String(row.id), signature: JSON.stringify(row), render: () => this.row(row),
    })));
  }

  private showFilters(filters: Filters): void {
    for (const filter of FILTERS) {
      const select = this.selects.get(filter.name)!;
      const raw = filters[filter.list] as (Option | { id: string; name: string })[] | undefined;
      const options: Option[] = (raw ?? []).map((option) => ("value" in option
        ? option : { value: option.id, label: option.name }));
      const wrapper = select.closest<HTMLElement>("[data-filter]")!;
      wrapper.hidden = options.length === 0 && !select.value;
      const signature = JSON.stringify(options);
      if (this.optionSignatures.get(filter.name) === signature) continue;
      this.optionSignatures.set(filter.name, signature);
      const chosen = select.value;
      fill(select, h("option", { value: "" }, "All"),
        ...options.map((option) => h("option", { value: option.value }, option.label)));
      if (chosen && !options.some((option) => option.value === chosen)) {
        select.appendChild(h("option", { value: chosen }, chosen));
      }
      select.value = chosen;
    }
  }

  private row(row: RequestRow): HTMLElement {
    const clock = this.clock;
    const deadline = h("div", { class: row.overdue ? "deadline overdue" : "deadline" },
      h("time", { datetime: row.deadline }, clock.moment(row.deadline)),
      h("span", { class: "time-left" },
        row.overdue ? h("span", { class: "overdue-mark", "aria-hidden": "true" }, "⚠ ") : null,
        timeLeft(row.seconds_left, row.overdue)));
    if (row.original_deadline && row.original_deadline !== row.deadline) {
      deadline.appendChild(h("span", { class: "note" },
        `Extended; first due ${clock.moment(row.original_deadline)}`));
    }
    const stands = h("div", { class: "stands" },
      h("span", { class: `state state-${row.state}` }, row.state_label),
      row.since ? h("span", { class: "note" }, "since ",
        h("time", { datetime: row.since }, clock.moment(row.since))) : null);
    if (row.declines.length) {
      stands.appendChild(h("p", { class: "note declines-title" },
        `Declined ${row.declines.length === 1 ? "once" : `${row.declines.length} times`}:`));
      stands.appendChild(h("ul", { class: "declines" }, ...row.declines.map((decline) =>
        h("li", {}, `${decline.fta}: ${decline.reason} (`,
          h("time", { datetime: decline.at }, clock.moment(decline.at)), ")"))));
    }
    for (const extension of row.extensions) {
      stands.appendChild(h("p", { class: "note" },
        `Deadline extended by ${extension.by} to ${clock.moment(extension.to)}: ${extension.reason}`));
    }
    const actions = h("div", { class: "actions" });
    for (const action of row.actions) {
      const label = ACTION_LABELS[action];
      if (!label) continue;
      const control = button(label, {
        "aria-label": `${label} ${row.number}`, "data-focus": action, "data-action": action,
        "aria-haspopup": "dialog" });
      control.addEventListener("click", () => this.open(action, row, control));
      actions.appendChild(control);
    }
    if (!actions.childElementCount) actions.appendChild(h("span", { class: "note" }, "—"));
    return h("tr", { class: row.overdue ? "overdue-row" : null },
      h("th", { scope: "row", "data-label": "Request" },
        h("span", { class: "number" }, row.number), h("span", { class: "note" }, row.type)),
      cell("Customer", row.customer),
      cell("Segment and region", `${row.segment} · ${row.region}`),
      cell("Submitted", h("time", { datetime: row.submitted_at }, clock.moment(row.submitted_at))),
      cell("Deadline", deadline),
      cell("Where it stands", stands),
      cell("Actions", actions));
  }
}
