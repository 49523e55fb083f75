import type { Language } from "#shared/config/city.ts";

/**
 * Numbers, durations, dates and distances as a reader of `locale` writes them, with `Intl` only
 * (no locale data is bundled). Formatters are costly to build and notices come in lists: one per
 * language and options.
 */
const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.ListFormat>();
function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.ListFormat>(
  key: string,
  make: () => T,
): T {
  let formatter = cache.get(key);
  if (!formatter) {
    formatter = make();
    cache.set(key, formatter);
  }
  return formatter as T;
}

function unit(locale: Language, value: number, name: "hour" | "minute"): string {
  return cached(
    `${locale}|${name}`,
    () => new Intl.NumberFormat(locale, { style: "unit", unit: name, unitDisplay: "short" }),
  ).format(value);
}

/**
 * Minutes as people say them: "1 hr 30 min", "1 uur 30 min", "1 Std. 30 Min.". Hour and minute
 * units side by side rather than Intl.DurationFormat, which only newer runtimes have: a notice
 * reads the same whichever Node renders it.
 */
export function formatDuration(locale: Language, totalMinutes: number): string {
  const abs = Math.abs(totalMinutes);
  const sign = totalMinutes < 0 ? "−" : "";
  if (abs === 0) return unit(locale, 0, "minute");
  const hours = Math.floor(abs / 60);
  const minutes = abs % 60;
  return (
    sign +
    [hours ? unit(locale, hours, "hour") : "", minutes ? unit(locale, minutes, "minute") : ""]
      .filter(Boolean)
      .join(" ")
  );
}

/** A day in the city's time zone, written out: "12 March 2026", "12 maart 2026". */
export function formatDay(locale: Language, iso: string, timeZone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return cached(
    `${locale}|day|${timeZone}`,
    () => new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone }),
  ).format(date);
}

/** A distance: "400 m" under a kilometre (in hundreds, at least 100), "2.5 km" above. */
export function formatDistance(locale: Language, metres: number): string {
  if (metres < 1000) {
    return cached(
      `${locale}|m`,
      () => new Intl.NumberFormat(locale, { style: "unit", unit: "meter" }),
    ).format(Math.max(100, Math.round(metres / 100) * 100));
  }
  return cached(
    `${locale}|km`,
    () => new Intl.NumberFormat(locale, { style: "unit", unit: "kilometer", maximumFractionDigits: 1 }),
  ).format(metres / 1000);
}

export function formatNumber(locale: Language, value: number): string {
  return cached(`${locale}|n`, () => new Intl.NumberFormat(locale)).format(value);
}

/** "a, b and c" in the reader's language. */
export function formatList(locale: Language, items: readonly string[]): string {
  return cached(`${locale}|list`, () => new Intl.ListFormat(locale, { type: "conjunction" })).format(items);
}
