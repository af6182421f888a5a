/** What a manager (or FTCHelp) does from a row: a dialog asks what it needs, the contract's
 * POST route acts, and the server's answer is shown as it gave it. */
import { ApiError, type DeskApi, type Person, type RequestRow, type TicketRow } from "./api";
import { button, fill, h, uid } from "./dom";
import type { Clock } from "./format";

export interface Choices {
  architects(): { id: string; label: string }[];
  agents(): Person[];
}

interface Plan {
  title: string;
  verb: string;
  path: string;
  fields: HTMLElement[];
  body(form: FormData): Record<string, string>;
}

export class ActionDialog {
  private readonly dialog: HTMLDialogElement;
  private trigger: HTMLElement | null = null;

  constructor(private readonly api: DeskApi, private readonly clock: Clock,
    private readonly choices: Choices, private readonly done: (message: string) => void) {
    this.dialog = h("dialog", { class: "action-dialog", "aria-labelledby": "action-title" });
    this.dialog.addEventListener("close", () => this.returnFocus());
    document.body.appendChild(this.dialog);
  }

  /** Back to the button that opened the dialog, or to its row's new one if a poll redrew it. */
  private returnFocus(): void {
    const trigger = this.trigger;
    if (!trigger) return;
    if (trigger.isConnected) { trigger.focus(); return; }
    const key = trigger.dataset.key ?? trigger.closest<HTMLElement>("[data-key]")?.dataset.key;
    const again = key && document.querySelector<HTMLElement>(
      `[data-key="${CSS.escape(key)}"] [data-focus="${CSS.escape(trigger.dataset.focus ?? "")}"]`);
    if (again) again.focus();
  }

  openRequest(action: string, row: RequestRow, trigger: HTMLElement): void {
    const plan = this.requestPlan(action, row);
    if (plan) this.show(plan, trigger);
  }

  openTicket(action: string, row: TicketRow, trigger: HTMLElement): void {
    if (action !== "transfer") return;
    const agents = this.choices.agents().filter((agent) => agent.id !== row.agent?.id);
    this.show({
      title: `Transfer ${row.number}`, verb: "Transfer",
      path: `/api/tickets/${row.id}/transfer`,
      fields: [
        h("p", {}, row.agent ? `${row.topic}. Now with ${row.agent.name}.` : `${row.topic}.`),
        choice("agent_id", "Give it to", agents.map((agent) => ({ id: agent.id,
          label: agent.name })))],
      body: (form) => {
        const id = String(form.get("agent_id") ?? "");
        return { agent_id: id, agent_name: agents.find((agent) => agent.id === id)?.name ?? "" };
      },
    }, trigger);
  }

  private requestPlan(action: string, row: RequestRow): Plan | null {
    const base = `/api/requests/${row.id}`;
    const about = h("p", {}, `${row.type} for ${row.customer}. ${row.state_label}.`);
    const others = () => this.choices.architects().filter((fta) => fta.id !== row.fta?.id);
    switch (action) {
      case "assign":
        return { title: `Assign ${row.number} by hand`, verb: "Assign", path: `${base}/assign`,
          fields: [about, choice("architect_id", "FTA", others())],
          body: (form) => ({ architect_id: String(form.get("architect_id") ?? "") }) };
      case "reoffer":
        return { title: `Re-offer ${row.number}`, verb: "Re-offer", path: `${base}/reoffer`,
          fields: [about, h("p", {}, "The request is offered to the next FTA in line, as the "
            + "engine would choose.")], body: () => ({}) };
      case "reassign":
        return { title: `Reassign ${row.number}`, verb: "Reassign", path: `${base}/reassign`,
          fields: [about, choice("architect_id", "New FTA", others()),
            text("reason", "Reason")],
          body: (form) => ({ architect_id: String(form.get("architect_id") ?? ""),
            reason: String(form.get("reason") ?? "").trim() }) };
      case "extend":
        return { title: `Extend the deadline of ${row.number}`, verb: "Extend",
          path: `${base}/extend`,
          fields: [about, h("p", {}, `Due ${this.clock.moment(row.deadline)}. Reports still `
            + "measure against the original deadline."),
          when("deadline", `New deadline (your time, ${this.clock.zone})`),
          text("reason", "Reason")],
          body: (form) => ({ deadline: new Date(String(form.get("deadline"))).toISOString(),
            reason: String(form.get("reason") ?? "").trim() }) };
      default:
        return null;
    }
  }

  private show(plan: Plan, trigger: HTMLElement): void {
    this.trigger = trigger;
    // Its row's key, kept should a poll redraw the row while the dialog is open.
    const row = trigger.closest<HTMLElement>("[data-key]");
    if (row?.dataset.key) trigger.dataset.key = row.dataset.key;
    const error = h("p", { class: "dialog-error", role: "alert" });
    const submit = button(plan.verb, { appearance: "primary", size: "medium", type: "submit" });
    const cancel = button("Cancel", { size: "medium", type: "button" });
    const form = h("form", { method: "dialog", novalidate: true },
      h("h2", { id: "action-title" }, plan.title), ...plan.fields, error,
      h("div", { class: "dialog-buttons" }, submit, cancel));
    cancel.addEventListener("click", () => this.dialog.close());
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.send(plan, form, submit, error);
    });
    fill(this.dialog, form);
    this.dialog.showModal();
    // The first thing to fill in, or (a confirmation) the button that does it.
    (form.querySelector<HTMLElement>("select, input, textarea") ?? submit).focus();
  }

  private async send(plan: Plan, form: HTMLFormElement, submit: HTMLElement,
    error: HTMLElement): Promise<void> {
    const invalid = [...form.querySelectorAll<HTMLInputElement>("select, input, textarea")]
      .find((field) => !field.checkValidity() || (field.required && !field.value.trim()));
    if (invalid) {
      const label = form.querySelector(`label[for="${invalid.id}"]`)?.textContent ?? "This field";
      fill(error, `${label}: please fill this in.`);
      invalid.setAttribute("aria-invalid", "true");
      invalid.focus();
      return;
    }
    submit.setAttribute("disabled", "");
    fill(error);
    try {
      const message = await this.api.act(plan.path, plan.body(new FormData(form)));
      this.dialog.close();
      this.done(message);
    } catch (problem) {
      fill(error, problem instanceof ApiError ? problem.message : "Something went wrong.");
    } finally {
      submit.removeAttribute("disabled");
    }
  }
}

function choice(name: string, label: string, options: { id: string; label: string }[]) {
  const id = uid(name);
  return h("div", { class: "field" }, h("label", { for: id }, label),
    h("select", { id, name, required: true },
      h("option", { value: "" }, options.length ? "Choose…" : "Nobody to choose"),
      ...options.map((option) => h("option", { value: option.id }, option.label))));
}

function text(name: string, label: string) {
  const id = uid(name);
  return h("div", { class: "field" }, h("label", { for: id }, label),
    h("textarea", { id, name, required: true, maxlength: 500, rows: 3 }));
}

function when(name: string, label: string) {
  const id = uid(name);
  const tomorrow = new Date(Date.now() + 86_400_000);
  const local = new Date(tomorrow.getTime() - tomorrow.getTimezoneOffset() * 60_000)
    .toISOString().slice(0, 16);
  return h("div", { class: "field" }, h("label", { for: id }, label),
    h("input", { id, name, type: "datetime-local", required: true, value: local }));
}
