import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { minutesText, withArticle } from "#domain/kernel/words.ts";
import { repoRoot } from "../../../../../infra/repo-root.ts";

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

describe("words in messages", () => {
  it("chooses a or an by the word that follows", () => {
    expect(withArticle("active")).toBe("an active");
    expect(withArticle("accepted")).toBe("an accepted");
    expect(withArticle("open")).toBe("an open");
    expect(withArticle("expired")).toBe("an expired");
    expect(withArticle("pending")).toBe("a pending");
    expect(withArticle("suspended", true)).toBe("A suspended");
    expect(withArticle("active", true)).toBe("An active");
  });

  it("says 1 minute and 2 minutes", () => {
    expect(minutesText(1)).toBe("1 minute");
    expect(minutesText(2)).toBe("2 minutes");
    expect(minutesText(-1)).toBe("-1 minute");
  });

  it("no message puts a fixed article before a word only known at run time", () => {
    const offenders = [join(repoRoot, "shared"), join(repoRoot, "functions"), join(repoRoot, "infra")]
      .flatMap(sources)
      .flatMap((file) =>
        readFileSync(file, "utf8")
          .split("\n")
          .map((line, i) => ({ where: `${relative(repoRoot, file)}:${i + 1}`, line }))
          .filter(({ line }) => /["`(]an? \$\{/i.test(line)),
      )
      .map(({ where, line }) => `${where}: ${line.trim()}`);
    expect(offenders).toEqual([]);
  });
});
