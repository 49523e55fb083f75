import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { table } from "#data/table.ts";

/** Every module of the domain, where every stored entity's schema is defined. */
function domainModules(dir = "shared/domain"): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return domainModules(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** The field names of an exported object schema (zod/mini keeps them on `shape`). */
function shapeOf(value: unknown): string[] | undefined {
  if (typeof value !== "object" || value === null || !("shape" in value)) return undefined;
  const shape = value.shape;
  return typeof shape === "object" && shape !== null ? Object.keys(shape) : undefined;
}

describe("the table's TTL attribute", () => {
  it("is a field no entity schema uses for anything else", async () => {
    const clashes: string[] = [];
    let schemas = 0;
    for (const path of domainModules()) {
      const module: Record<string, unknown> = await import(pathToFileURL(resolve(path)).href);
      for (const [name, value] of Object.entries(module)) {
        const fields = shapeOf(value);
        if (!fields) continue;
        schemas++;
        if (fields.includes(table.ttlAttribute)) clashes.push(`${path}: ${name}`);
      }
    }
    // Guards the check itself: the post and member schemas at least must have been seen.
    expect(schemas).toBeGreaterThan(10);
    expect(clashes).toEqual([]);
  });
});
