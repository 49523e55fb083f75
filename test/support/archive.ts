import { strFromU8, unzipSync } from "fflate";

/** The files of a data archive as text, by name without the dated folder they are in. */
export function archiveFiles(zip: Uint8Array): Map<string, string> {
  return new Map(
    Object.entries(unzipSync(zip)).map(([name, content]) => [
      name.replace(/^[^/]+\//, ""),
      strFromU8(content),
    ]),
  );
}

/** The rows of a CSV file (RFC 4180 quoting), without its byte-order mark. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  const body = text.replace(/^\uFEFF/, "");
  for (let i = 0; i < body.length; i++) {
    const char = body[i];
    if (quoted) {
      if (char === '"' && body[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      row.push(cell);
      cell = "";
    } else if (char === "\r" && body[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += char;
  }
  return rows;
}

/** A CSV file's rows as header → cell records. */
export function csvRecords(text: string): Record<string, string>[] {
  const [headers = [], ...records] = parseCsv(text);
  return records.map((cells) => Object.fromEntries(headers.map((header, i) => [header, cells[i] ?? ""])));
}
