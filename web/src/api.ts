/** The desk's API (`/api/queue` and the action routes), as the contract between the desk's
 * parts fixes it. Every call carries the Teams SSO token when there is one. */

export type Role = "manager" | "ftchelp" | "admin" | "fta" | "seller";
export interface Viewer { name: string; roles: Role[]; demo: boolean; }
export interface Option { value: string; label: string; }
export interface Person { id: string; name: string; }

export interface RequestRow {
  id: number; number: string; type: string; customer: string; segment: string; region: string;
  submitted_at: string; deadline: string; original_deadline: string; overdue: boolean;
  seconds_left: number; state: "waiting" | "offered" | "accepted"; state_label: string;
  fta: Person | null; since: string | null;
  declines: { fta: string; reason: string; at: string }[];
  extensions: { to: string; reason: string; by: string; at: string }[];
  actions: string[];
}
export interface TicketRow {
  id: number; number: string; topic: string; impact: string; impact_label: string;
  priority: "high" | "normal" | "low"; submitted_at: string; age_hours: number;
  agent: Person | null; sla_due: string; overdue: boolean; actions: string[];
}
export interface ArchitectRow {
  id: string; name: string; load: number; capacity: number; active: boolean;
  out_of_office: { start: string; end: string }[];
}
export interface WeekRow {
  week_start: string; requests: number; met_sla: number; attainment: number | null;
  hours_to_assign_p50: number | null; hours_to_assign_p90: number | null;
}
export interface Filters {
  states?: Option[]; segments?: Option[]; regions?: Option[]; ftas?: Person[]; agents?: Person[];
}
export interface Answer<Row> {
  viewer: Viewer; section: string; total: number; page: number; page_size: number;
  generated_at: string; rows: Row[]; filters: Filters;
  declines_by_reason?: { reason: string; count: number }[]; extensions?: number;
}

/** An answer other than 2xx: its status and the server's own words. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

export type TokenSource = () => Promise<string | null>;

export class DeskApi {
  constructor(private readonly token: TokenSource) {}

  async section<Row>(section: string, query: URLSearchParams): Promise<Answer<Row>> {
    const params = new URLSearchParams(query);
    params.set("section", section);
    return this.call<Answer<Row>>("GET", `/api/queue?${params}`);
  }

  /** One of the contract's POST routes; resolves to the server's confirmation message. */
  async act(path: string, body: Record<string, string>): Promise<string> {
    const answer = await this.call<{ message?: string }>("POST", path, body);
    return answer.message ?? "Done.";
  }

  /** A file the server streams (the requests CSV), with the token like every call: a plain
   * link could not carry it. Resolves to the file and the name the server gave it. */
  async download(path: string): Promise<{ blob: Blob; name: string }> {
    const headers: Record<string, string> = { Accept: "text/csv" };
    const token = await this.token();
    if (token) headers.Authorization = `Bearer ${token}`;
    let response: Response;
    try {
      response = await fetch(path, { headers, credentials: "same-origin", cache: "no-store" });
    } catch {
      throw new ApiError(0, "The desk cannot reach the bot's server right now.");
    }
    if (!response.ok) {
      let message = `The server answered ${response.status} ${response.statusText}.`.trim();
      try {
        const error = ((await response.json()) as { error?: unknown } | null)?.error;
        if (typeof error === "string" && error) message = error;
      } catch { /* not JSON: the status says it */ }
      throw new ApiError(response.status, message);
    }
    const named = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") ?? "");
    return { blob: await response.blob(), name: named?.[1] ?? "fta-requests.csv" };
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: "application/json" };
    const token = await this.token();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response: Response;
    try {
      response = await fetch(path, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "same-origin", cache: "no-store",
      });
    } catch {
      throw new ApiError(0, "The desk cannot reach the bot's server right now.");
    }
    const text = await response.text();
    let parsed: unknown = null;
    try { parsed = text ? JSON.parse(text) : null; } catch { parsed = null; }
    if (!response.ok) {
      const error = (parsed as { error?: unknown } | null)?.error;
      throw new ApiError(response.status, typeof error === "string" && error
        ? error : `The server answered ${response.status} ${response.statusText}.`.trim());
    }
    if (parsed === null) throw new ApiError(response.status, "The server's answer was not JSON.");
    return parsed as T;
  }
}
