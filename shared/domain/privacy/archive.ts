import { strToU8, zipSync } from "fflate";
import { toCsv } from "#domain/kernel/csv.ts";
import type { MemberExport } from "./export.ts";

/** One file of the archive: its name and its text. */
export interface ArchiveFile {
  name: string;
  text: string;
}

type Row = Record<string, unknown>;

/**
 * An item as one row of cells named by their paths (`contact.email`): lists of plain values become
 * one cell (`en; nl`), lists of records their JSON, so no field is lost or left as `[object Object]`.
 */
function flatten(value: unknown, prefix: string, out: Row): Row {
  if (Array.isArray(value)) {
    const plain = value.every((item) => item === null || typeof item !== "object");
    out[prefix] = plain ? value.join("; ") : JSON.stringify(value);
  } else if (value !== null && typeof value === "object") {
    for (const [key, inner] of Object.entries(value)) flatten(inner, prefix ? `${prefix}.${key}` : key, out);
  } else if (prefix && value !== undefined) {
    // An absent field is no column, as in the JSON beside it (an archive made from the stored
    // sections of an export job, where JSON drops it, has the same columns).
    out[prefix] = value;
  }
  return out;
}

/** A section of many items: one row each, a column for every field any of them has. */
function table(items: readonly unknown[]): string {
  const rows = items.map((item) => flatten(item, "", {}));
  const headers: string[] = [];
  for (const row of rows) for (const key of Object.keys(row)) if (!headers.includes(key)) headers.push(key);
  return toCsv<Row>(
    headers.map((header) => ({ header, value: (row) => row[header] })),
    rows,
  );
}

/** A section of one record (the profile, the account): a row per field, easier to read than one wide row. */
function record(item: unknown): string {
  return toCsv<[string, unknown]>(
    [
      { header: "field", value: ([field]) => field },
      { header: "value", value: ([, value]) => value },
    ],
    Object.entries(flatten(item, "", {})),
  );
}

// Spreadsheets take a CSV without this mark for their local code page and garble accented names.
const BOM = "\uFEFF";

/**
 * The export as files a person can open: a CSV per section (every cell neutralised against
 * spreadsheet formulas by the one CSV writer) and the whole export as JSON beside them.
 */
export function archiveFiles(data: MemberExport): ArchiveFile[] {
  const csv = (name: string, text: string): ArchiveFile => ({ name: `${name}.csv`, text: BOM + text });
  return [
    csv("profile", record(data.member)),
    csv("consents", table(data.consents)),
    csv("posts", table(data.posts)),
    csv("matches", table(data.matches)),
    csv("exchanges", table(data.exchanges)),
    csv("account", record(data.account)),
    csv("statement", table(data.statement)),
    csv("inbox", table(data.inbox)),
    csv("audit-trail", table(data.auditTrail)),
    csv("access-log", table(data.accessLog)),
    { name: "my-data.json", text: `${JSON.stringify(data, null, 2)}\n` },
  ];
}

/**
 * The export as a zip archive of its files, in a folder named after the day it was made. Files are
 * deflated; the dates inside are the export's.
 */
export function exportArchive(data: MemberExport): Uint8Array {
  const folder = `mutua-my-data-${data.exportedAt.slice(0, 10)}`;
  const mtime = new Date(data.exportedAt);
  return zipSync(
    Object.fromEntries(archiveFiles(data).map((file) => [`${folder}/${file.name}`, strToU8(file.text)])),
    { level: 6, mtime },
  );
}
