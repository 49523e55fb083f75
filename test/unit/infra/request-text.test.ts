import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as z from "#shared/zod.ts";
import { manifest } from "../../../infra/manifest.ts";
import { contractOf } from "../../../infra/openapi.ts";

/**
 * Walks every route's body, query and path schema down to its text fields, and proves each one
 * refuses malformed Unicode (a lone UTF-16 surrogate, which the store cannot hold): whatever a
 * field accepts, the same text with a lone surrogate in it is refused. A new schema cannot forget.
 */
type Leaf = { route: string; path: string; schema: z.ZodMiniType };

interface Def {
  type: string;
  shape?: Record<string, z.ZodMiniType>;
  catchall?: z.ZodMiniType;
  element?: z.ZodMiniType;
  items?: z.ZodMiniType[];
  rest?: z.ZodMiniType | null;
  options?: z.ZodMiniType[];
  left?: z.ZodMiniType;
  right?: z.ZodMiniType;
  keyType?: z.ZodMiniType;
  valueType?: z.ZodMiniType;
  innerType?: z.ZodMiniType;
  in?: z.ZodMiniType;
  out?: z.ZodMiniType;
  getter?: () => z.ZodMiniType;
}

function defOf(schema: z.ZodMiniType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

function textLeaves(route: string, schema: z.ZodMiniType, path: string, seen = new Set<unknown>()): Leaf[] {
  if (seen.has(schema)) return [];
  seen.add(schema);
  const def = defOf(schema);
  const walk = (child: z.ZodMiniType | null | undefined, at: string) =>
    child ? textLeaves(route, child, at, seen) : [];
  switch (def.type) {
    case "string":
      return [{ route, path, schema }];
    case "object":
      return [
        ...Object.entries(def.shape ?? {}).flatMap(([key, child]) =>
          walk(child, path ? `${path}.${key}` : key),
        ),
        ...walk(def.catchall, `${path}.*`),
      ];
    case "array":
      return walk(def.element, `${path}[]`);
    case "tuple":
      return [
        ...(def.items ?? []).flatMap((child, i) => walk(child, `${path}[${i}]`)),
        ...walk(def.rest, `${path}[]`),
      ];
    case "union":
      return (def.options ?? []).flatMap((child) => walk(child, path));
    case "intersection":
      return [...walk(def.left, path), ...walk(def.right, path)];
    case "record":
      return [...walk(def.keyType, `${path}{key}`), ...walk(def.valueType, `${path}.*`)];
    case "pipe":
      return walk(def.in, path);
    case "lazy":
      return walk(def.getter?.(), path);
    default:
      return def.innerType ? walk(def.innerType, path) : [];
  }
}

const leaves: Leaf[] = [];
for (const route of manifest.routes) {
  const contract = await contractOf(route);
  const name = `${route.method} ${route.path}`;
  if (contract.body) leaves.push(...textLeaves(name, contract.body, "body"));
  if (contract.query) leaves.push(...textLeaves(name, contract.query, "query"));
  if (contract.path) leaves.push(...textLeaves(name, contract.path, "path"));
}

/** Texts a field might accept: plain words, what its JSON Schema pattern or format describes. */
function candidates(schema: z.ZodMiniType): string[] {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as {
    pattern?: string;
    format?: string;
  };
  const found = ["x", "hello there", "gardening", "01JB8Z3K5Q0000000000000000"];
  if (json.pattern)
    found.push(...fc.sample(fc.stringMatching(new RegExp(json.pattern)), { numRuns: 8, seed: 7 }));
  if (json.format === "email") found.push("greta@example.org");
  if (json.format === "uri") found.push("https://example.org/a");
  if (json.format === "date-time") found.push("2026-01-01T10:00:00Z", "2026-01-01T10:00:00.000Z");
  if (json.format === "date") found.push("2026-01-01");
  return found;
}

const LONE = ["\ud800", "\udfff", "\udc00"];

describe("text fields of every route", () => {
  it("are found in bodies, queries and paths", () => {
    expect(leaves.length).toBeGreaterThan(40);
    expect(leaves.some((l) => l.route === "PATCH /me/profile" && l.path === "body.bio")).toBe(true);
    expect(leaves.some((l) => l.route === "POST /posts" && l.path === "body.title")).toBe(true);
  });

  it.each(leaves.map((leaf) => [leaf.route, leaf.path, leaf] as const))(
    "%s %s refuses a lone surrogate",
    (_route, _path, leaf) => {
      const accepted = candidates(leaf.schema).filter((text) => z.safeParse(leaf.schema, text).success);
      for (const text of [...accepted, ""]) {
        for (const lone of LONE) {
          for (const at of [0, Math.floor(text.length / 2), text.length]) {
            const hostile = `${text.slice(0, at)}${lone}${text.slice(at)}`;
            expect(z.safeParse(leaf.schema, hostile).success, JSON.stringify(hostile)).toBe(false);
          }
        }
      }
    },
  );
});
