/** What every part of the desk shares: a section with its heading, a pager, a status line. */
import type { Answer } from "./api";
import { button, fill, h } from "./dom";

export interface Section {
  element: HTMLElement;
  body: HTMLElement;
  status: HTMLElement;
}

export function section(id: string, title: string, intro: string): Section {
  const headingId = `${id}-heading`;
  const status = h("p", { class: "section-status" });
  const body = h("div", { class: "section-body" });
  const element = h("section", { id, class: "desk-section", "aria-labelledby": headingId },
    h("h2", { id: headingId, tabindex: "-1" }, title),
    intro ? h("p", { class: "section-intro" }, intro) : null,
    status, body);
  return { element, body, status };
}

/** "Previous", "Page 2 of 3, 123 requests", "Next"; ``go`` loads another page. */
export class Pager {
  readonly element: HTMLElement;
  private readonly text = h("span", { class: "pager-text" });
  private readonly previous: HTMLElement;
  private readonly next: HTMLElement;
  page = 1;

  constructor(label: string, private readonly noun: [string, string],
    private readonly go: (page: number) => void) {
    this.previous = button("Previous page", { "data-focus": "previous" });
    this.next = button("Next page", { "data-focus": "next" });
    this.previous.addEventListener("click", () => this.move(-1));
    this.next.addEventListener("click", () => this.move(1));
    this.element = h("nav", { class: "pager", "aria-label": label },
      this.previous, this.text, this.next);
  }

  private pages = 1;

  show(answer: Answer<unknown>): void {
    this.page = answer.page;
    this.pages = Math.max(1, Math.ceil(answer.total / Math.max(1, answer.page_size)));
    const noun = answer.total === 1 ? this.noun[0] : this.noun[1];
    fill(this.text, `Page ${answer.page} of ${this.pages}, ${answer.total} ${noun}`);
    this.element.hidden = answer.total <= answer.page_size && answer.page <= 1;
    toggle(this.previous, answer.page > 1);
    toggle(this.next, answer.page < this.pages);
  }

  private move(step: number): void {
    const page = this.page + step;
    if (page < 1 || page > this.pages) return;
    this.page = page;
    this.go(page);
  }
}

function toggle(control: HTMLElement, enabled: boolean): void {
  if (enabled) control.removeAttribute("disabled");
  else control.setAttribute("disabled", "");
}

/** A cell's text with its column name before it, for the stacked layout on a phone. */
export function cell(label: string, ...content: (Node | string | null)[]): HTMLElement {
  return h("td", { "data-label": label }, ...content);
}

export function header(columns: string[]): HTMLElement {
  return h("thead", {}, h("tr", {}, ...columns.map((name) => h("th", { scope: "col" }, name))));
}

export const ACTION_LABELS: Record<string, string> = {
  assign: "Assign", reoffer: "Re-offer", reassign: "Reassign", extend: "Extend deadline",
  transfer: "Transfer",
};
