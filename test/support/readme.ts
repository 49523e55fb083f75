import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../../infra/repo-root.ts";

/** The README's error table: each documented code and the status it is answered with. */
export function documentedErrors(): Map<string, number> {
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
  const section = readme.split("### Errors")[1]?.split("\n\n")[1] ?? "";
  const rows = [...section.matchAll(/^\| `([A-Z_]+)`\s*\| (\d{3})\s*\|/gm)];
  return new Map(rows.map((row) => [row[1] ?? "", Number(row[2])]));
}
