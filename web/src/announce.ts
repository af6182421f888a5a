/** Polite announcements (aria-live) of what changed between two polls. */
import type { RequestRow } from "./api";

export class Announcer {
  private previous: Map<number, RequestRow> | null = null;
  private baseline = "";

  constructor(private readonly region: HTMLElement) {}

  say(message: string): void {
    // Emptied first, so the same words said twice are read twice.
    this.region.textContent = "";
    window.setTimeout(() => { this.region.textContent = message; }, 100);
  }

  /** Says what changed in the requests since the last poll of the same filters and page. */
  requests(rows: RequestRow[], query: string): void {
    const now = new Map(rows.map((row) => [row.id, row]));
    const before = this.previous;
    const sameView = query === this.baseline;
    this.previous = now;
    this.baseline = query;
    if (!before || !sameView) return;
    const changes: string[] = [];
    for (const row of rows) {
      const old = before.get(row.id);
      if (!old) changes.push(`${row.number} is new: ${row.state_label}.`);
      else if (old.state_label !== row.state_label) changes.push(`${row.number}: ${row.state_label}.`);
      else if (!old.overdue && row.overdue) changes.push(`${row.number} is now overdue.`);
    }
    for (const [id, old] of before) {
      if (!now.has(id)) changes.push(`${old.number} left the list.`);
    }
    if (changes.length === 0) return;
    this.say(changes.length <= 3 ? changes.join(" ")
      : `${changes.length} requests changed. ${changes.slice(0, 2).join(" ")}`);
  }
}
