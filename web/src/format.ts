/** Times in the viewer's own zone and language (Intl), and durations said in words. */

export class Clock {
  private readonly dateTime: Intl.DateTimeFormat;
  private readonly dateOnly: Intl.DateTimeFormat;
  private readonly dayMonth: Intl.DateTimeFormat;
  private readonly number: Intl.NumberFormat;
  private readonly percent: Intl.NumberFormat;
  readonly zone: string;

  constructor(readonly locale: string) {
    this.zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    this.dateTime = safeFormat(locale, { dateStyle: "medium", timeStyle: "short" });
    this.dateOnly = safeFormat(locale, { dateStyle: "medium", timeZone: "UTC" });
    this.dayMonth = safeFormat(locale, { day: "numeric", month: "short", timeZone: "UTC" });
    this.number = new Intl.NumberFormat(safeLocale(locale), { maximumFractionDigits: 1 });
    this.percent = new Intl.NumberFormat(safeLocale(locale), { style: "percent" });
  }

  /** "30 Nov 2026, 21:00" in the viewer's zone. */
  moment(iso: string | null | undefined): string {
    if (!iso) return "—";
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? "—" : this.dateTime.format(date);
  }

  /** A calendar day (YYYY-MM-DD) as the viewer writes dates; no zone shift. */
  day(isoDay: string): string {
    const date = new Date(`${isoDay}T00:00:00Z`);
    return Number.isNaN(date.getTime()) ? isoDay : this.dateOnly.format(date);
  }

  /** "7 Sept": a day of this year's reports, short enough for a chart's label. */
  shortDay(isoDay: string): string {
    const date = new Date(`${isoDay}T00:00:00Z`);
    return Number.isNaN(date.getTime()) ? isoDay : this.dayMonth.format(date);
  }

  figure(value: number | null | undefined): string {
    return value === null || value === undefined ? "—" : this.number.format(value);
  }

  share(value: number | null | undefined): string {
    return value === null || value === undefined ? "—" : this.percent.format(value);
  }
}

function safeLocale(locale: string): string {
  try {
    return Intl.getCanonicalLocales(locale)[0] ?? "en-US";
  } catch {
    return "en-US";
  }
}

function safeFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(safeLocale(locale), options);
}

/** "2 d 4 h", "3 h 20 min", "12 min": the two largest units, rounded down. */
export function span(seconds: number): string {
  const total = Math.max(0, Math.floor(Math.abs(seconds) / 60));
  const days = Math.floor(total / 1440);
  const hours = Math.floor((total % 1440) / 60);
  const minutes = total % 60;
  if (days > 0) return hours ? `${days} d ${hours} h` : `${days} d`;
  if (hours > 0) return minutes ? `${hours} h ${minutes} min` : `${hours} h`;
  return `${minutes} min`;
}

/** What is left before a deadline, or how late it is. */
export function timeLeft(secondsLeft: number, overdue: boolean): string {
  if (overdue || secondsLeft < 0) return `Overdue by ${span(secondsLeft)}`;
  return `${span(secondsLeft)} left`;
}

/** An age in hours said as "3 h" or "2 d 5 h". */
export function age(hours: number): string {
  return span(hours * 3600);
}
