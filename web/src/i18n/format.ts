import { city } from "../config.ts";
import { locale } from "./index.ts";

// Intl formatters are costly to build and used in long lists: one per language and options.
const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.ListFormat>();
function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.ListFormat>(
  key: string,
  make: () => T,
): T {
  const full = `${locale.value}|${key}`;
  let formatter = cache.get(full);
  if (!formatter) {
    formatter = make();
    cache.set(full, formatter);
  }
  return formatter as T;
}

interface DurationFormatLike {
  format(duration: { hours?: number; minutes?: number }): string;
}
type DurationFormatConstructor = new (
  locale: string,
  options: { style: "short" | "long" },
) => DurationFormatLike;

/** Minutes as people say them: "1 h 30 min", "45 min" (Intl.DurationFormat where the browser has it). */
export function formatDuration(totalMinutes: number, style: "short" | "long" = "short"): string {
  if (totalMinutes === 0) {
    return new Intl.NumberFormat(locale.value, { style: "unit", unit: "minute", unitDisplay: style }).format(
      0,
    );
  }
  const sign = totalMinutes < 0 ? "−" : "";
  const abs = Math.abs(totalMinutes);
  const hours = Math.floor(abs / 60);
  const minutes = abs % 60;
  const parts = { ...(hours ? { hours } : {}), ...(minutes || !hours ? { minutes } : {}) };
  const DurationFormat = (Intl as unknown as { DurationFormat?: DurationFormatConstructor }).DurationFormat;
  if (DurationFormat) return sign + new DurationFormat(locale.value, { style }).format(parts);
  const unit = (value: number, name: "hour" | "minute") =>
    new Intl.NumberFormat(locale.value, { style: "unit", unit: name, unitDisplay: style }).format(value);
  return (
    sign +
    [hours ? unit(hours, "hour") : "", minutes || !hours ? unit(minutes, "minute") : ""]
      .filter(Boolean)
      .join(" ")
  );
}

export function formatNumber(value: number, digits = 0): string {
  return cached(
    `n${digits}`,
    () => new Intl.NumberFormat(locale.value, { maximumFractionDigits: digits }),
  ).format(value);
}

/** A file's size: "12 kB", "1.4 MB". */
export function formatBytes(bytes: number): string {
  const [unit, value] =
    bytes < 1_000_000 ? (["kilobyte", bytes / 1000] as const) : (["megabyte", bytes / 1_000_000] as const);
  return cached(
    `b${unit}`,
    () =>
      new Intl.NumberFormat(locale.value, {
        style: "unit",
        unit,
        maximumFractionDigits: unit === "kilobyte" ? 0 : 1,
      }),
  ).format(unit === "kilobyte" ? Math.max(1, value) : value);
}

/** A distance: "400 m" under a kilometre, "2.5 km" above. */
export function formatDistance(km: number): string {
  if (km < 1) {
    const metres = Math.max(100, Math.round((km * 1000) / 100) * 100);
    return cached("m", () => new Intl.NumberFormat(locale.value, { style: "unit", unit: "meter" })).format(
      metres,
    );
  }
  return cached(
    "km",
    () => new Intl.NumberFormat(locale.value, { style: "unit", unit: "kilometer", maximumFractionDigits: 1 }),
  ).format(km);
}

/** A date in the city's time zone: "12 March 2026". */
export function formatDate(iso: string): string {
  return cached(
    "date",
    () => new Intl.DateTimeFormat(locale.value, { dateStyle: "long", timeZone: city().timezone }),
  ).format(new Date(iso));
}

/** A moment in the city's time zone: "12 Mar 2026, 14:05". */
export function formatDateTime(iso: string): string {
  return cached(
    "datetime",
    () =>
      new Intl.DateTimeFormat(locale.value, {
        dateStyle: "medium",
        timeStyle: "short",
        timeZone: city().timezone,
      }),
  ).format(new Date(iso));
}

/** A month: "March 2026". */
export function formatMonth(iso: string): string {
  return cached(
    "month",
    () =>
      new Intl.DateTimeFormat(locale.value, { month: "long", year: "numeric", timeZone: city().timezone }),
  ).format(new Date(iso));
}

/** A month in a few letters, for chart labels: "Mar". */
export function formatMonthShort(iso: string): string {
  return cached(
    "monthShort",
    () => new Intl.DateTimeFormat(locale.value, { month: "short", timeZone: city().timezone }),
  ).format(new Date(iso));
}

/** Day 0 is Monday, as in the API. */
export function formatWeekday(day: number): string {
  // 2024-01-01 was a Monday.
  const date = new Date(Date.UTC(2024, 0, 1 + day, 12));
  return cached(
    "weekday",
    () => new Intl.DateTimeFormat(locale.value, { weekday: "long", timeZone: "UTC" }),
  ).format(date);
}

/** "a, b and c" in the current language. */
export function formatList(items: string[]): string {
  return cached("list", () => new Intl.ListFormat(locale.value, { type: "conjunction" })).format(items);
}
