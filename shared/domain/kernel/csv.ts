/** One CSV field, quoted when it holds a comma, quote or line break (RFC 4180). */
function field(value: unknown): string {
  if (value === undefined || value === null) return "";
  // A finite number cannot carry a formula: negative amounts stay numbers.
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  const text = Array.isArray(value) ? value.join(" ") : String(value);
  // A leading =, +, - or @ (or its full-width form, which spreadsheets read the same), a tab or a
  // carriage return makes spreadsheets run the cell as a formula; a quote mark defuses it.
  const safe = /^[=+\-@\t\r＝＋－＠]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A CSV document with a header row, CRLF line ends as RFC 4180 asks. */
export function toCsv<T>(
  columns: readonly { header: string; value: (row: T) => unknown }[],
  rows: Iterable<T>,
): string {
  const lines = [columns.map((c) => field(c.header)).join(",")];
  for (const row of rows) lines.push(columns.map((c) => field(c.value(row))).join(","));
  return `${lines.join("\r\n")}\r\n`;
}
