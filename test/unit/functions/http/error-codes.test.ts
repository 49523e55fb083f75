import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { DomainError } from "#domain/kernel/errors.ts";
import { INTERNAL_ERROR_CODE, statusFor, statusTable } from "../../../../functions/http/errors.ts";
import { repoRoot } from "../../../../infra/repo-root.ts";
import { documentedErrors } from "../../../support/readme.ts";

/**
 * The README's error table is the documented list of codes clients may switch on. It must list
 * exactly the codes the code can produce, with the status each is answered with: every
 * DomainError subclass anywhere in the sources, and the masked 500.
 */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

async function errorClasses(): Promise<Map<string, new (...args: never[]) => DomainError>> {
  const found = new Map<string, new (...args: never[]) => DomainError>();
  const files = ["shared", "functions", "infra"].flatMap((dir) => sourceFiles(join(repoRoot, dir)));
  for (const file of files) {
    if (!/class \w+ extends \w*Error\b/.test(readFileSync(file, "utf8"))) continue;
    const module: Record<string, unknown> = await import(pathToFileURL(file).href);
    for (const [name, value] of Object.entries(module)) {
      if (typeof value === "function" && value.prototype instanceof DomainError) {
        found.set(`${relative(repoRoot, file)}#${name}`, value as new (...args: never[]) => DomainError);
      }
    }
  }
  return found;
}

/** An instance of any error class: (message, details) for most, (message, where) for limits. */
function probe(type: new (...args: never[]) => DomainError): DomainError {
  return Reflect.construct(type, ["probe", { accountId: "probe", limit: "credit-limit" }]);
}

describe("the README's error table", async () => {
  const classes = await errorClasses();
  const table = documentedErrors();

  it("finds the error classes and the table", () => {
    expect(classes.size).toBeGreaterThan(10);
    expect(table.size).toBeGreaterThan(10);
  });

  it("lists exactly the codes the code can produce", () => {
    const codes = new Set([...classes.values()].map((type) => probe(type).code));
    codes.add(INTERNAL_ERROR_CODE);
    expect([...table.keys()].sort()).toEqual([...codes].sort());
  });

  it.each([...classes].map(([name, type]) => [name, type] as const))(
    "%s is answered with the status its README row says, from the status table",
    (_name, type) => {
      const error = probe(type);
      expect(statusTable.some(([mapped]) => error instanceof mapped)).toBe(true);
      expect(statusFor(error)).toBe(table.get(error.code));
    },
  );

  it("says INTERNAL is a 500", () => {
    expect(table.get(INTERNAL_ERROR_CODE)).toBe(500);
  });
});
