import { toCsv } from "./csv.ts";

/**
 * CSV for ledger figures. The shared `toCsv` defuses any cell starting with "-" (a spreadsheet
 * would run it as a formula), which turns every negative amount or balance into text ("'-60"). A
 * finite number cannot carry a formula, so here numbers are written as numbers and every other
 * cell goes through `toCsv`'s own quoting and defusing.
 */
export function ledgerCsv<T>(
  columns: readonly { header: string; value: (row: T) => unknown }[],
  rows: Iterable<T>,
): string {
  const lines = [toCsv(columns, []).slice(0, -2)];
  for (const row of rows) lines.push(columns.map((c) => cell(c.value(row))).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

function cell(value: unknown): string {
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  // One column named "x", one row: "x\r\n<cell>\r\n".
  return toCsv([{ header: "x", value: () => value }], [value]).slice(3, -2);
}
