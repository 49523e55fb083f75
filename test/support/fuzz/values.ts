import fc from "fast-check";

/** The JSON Schema subset the OpenAPI document uses (generated from the zod contracts). */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  pattern?: string;
  format?: string;
  enum?: unknown[];
  const?: unknown;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  default?: unknown;
}

/** Real values of the running city, so that generated requests also reach past validation. */
export interface Pools {
  /** Ids by kind: member, post, exchange, notification, activity, transfer, match. */
  ids: Record<string, string[]>;
  categories: string[];
  areas: string[];
  languages: string[];
  bounds: { south: number; west: number; north: number; east: number };
}

/** Which pool of real ids a field named like this draws from (`providerIds` -> member). */
export function idKindOf(name: string): string | undefined {
  const base = name.replace(/Ids?$|s$/, "").toLowerCase();
  if (
    ["member", "provider", "receiver", "admin", "volunteer", "account", "candidate", "owner"].includes(base)
  )
    return "member";
  if (["post", "exchange", "notification", "activity", "transfer", "match"].includes(base)) return base;
  return undefined;
}

/** One UTF-16 code unit of any value, lone surrogates included (fast-check's own units never are). */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit));

/** Text an attacker would try: malformed Unicode, control characters, injections, sizes. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "",
    " ",
    "\ud800",
    "a\udfff",
    "\ude00\ud83d",
    "🌱",
    "\u202eevil",
    "\u0000",
    "null",
    "NaN",
    "-1",
    "1e400",
    "<script>alert(1)</script>",
    "' OR '1'='1",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a log-injection probe, literally
    "${jndi:ldap://x}",
    "{{7*7}}",
    "../../../etc/passwd",
    "MEMBER#x",
    "__proto__",
    "constructor",
    "\r\nx-injected: 1",
    '=HYPERLINK("http://x")',
    "＝1+1",
  ),
  fc.string({ unit: codeUnit, maxLength: 24 }),
  fc.string({ unit: "binary", maxLength: 24 }),
  fc.integer({ min: 41, max: 3000 }).map((n) => "A".repeat(n)),
);

/** Any JSON value an attacker might put where something else belongs. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileText,
  fc.constantFrom(null, true, false, 0, -1, 1.5, -0, 1e308, 2 ** 53 + 2, -(2 ** 31), [], {}, [null]),
  fc.constant(JSON.parse('{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}')),
  fc.jsonValue({ maxDepth: 3 }),
);

function isoDate(): fc.Arbitrary<string> {
  return fc
    .date({
      min: new Date("2020-01-01T00:00:00Z"),
      max: new Date("2035-12-31T00:00:00Z"),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString());
}

function stringValue(schema: JsonSchema, name: string, pools: Pools): fc.Arbitrary<string> {
  const kind = idKindOf(name);
  const ids = kind ? (pools.ids[kind] ?? []) : [];
  if (ids.length > 0) return fc.constantFrom(...ids);
  if (/category|categories/i.test(name) && pools.categories.length > 0)
    return fc.constantFrom(...pools.categories);
  if (/area/i.test(name) && pools.areas.length > 0) return fc.constantFrom(...pools.areas);
  if (schema.format === "date-time") return isoDate();
  if (schema.format === "date") return isoDate().map((d) => d.slice(0, 10));
  if (schema.format === "email") return fc.constantFrom("greta@example.org", "jan@example.be");
  if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern));
  const minLength = schema.minLength ?? 0;
  return fc.string({ minLength, maxLength: Math.max(minLength, Math.min(schema.maxLength ?? 40, 40)) });
}

/**
 * Values the schema describes, mostly valid: real ids, categories and areas where the field is
 * named for them, so that a good share of requests reaches the use-cases.
 */
export function validValue(schema: JsonSchema, name: string, pools: Pools): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (/^languages?$/.test(name) && schema.enum && pools.languages.length > 0)
    return fc.constantFrom(...pools.languages);
  if (schema.enum && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives && alternatives.length > 0)
    return fc.oneof(...alternatives.map((s) => validValue(s, name, pools)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case "object": {
      const properties = schema.properties ?? {};
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, property] of Object.entries(properties))
        record[key] = validValue(property, key, pools);
      return fc.record(record, { requiredKeys: (schema.required ?? []).filter((k) => k in properties) });
    }
    case "array": {
      const minLength = schema.minItems ?? 0;
      return fc.array(validValue(schema.items ?? {}, name === "languages" ? "language" : name, pools), {
        minLength,
        maxLength: Math.max(minLength, Math.min(schema.maxItems ?? 4, 4)),
      });
    }
    case "string":
      return stringValue(schema, name, pools);
    case "integer":
      return fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 100_000 });
    case "number":
      if (name === "lat") return fc.double({ min: pools.bounds.south, max: pools.bounds.north, noNaN: true });
      if (name === "lon") return fc.double({ min: pools.bounds.west, max: pools.bounds.east, noNaN: true });
      return fc.double({
        min: schema.minimum ?? -1000,
        max: schema.maximum ?? 1000,
        noNaN: true,
        noDefaultInfinity: true,
      });
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

type Path = (string | number)[];

function pathsOf(value: unknown, at: Path = []): Path[] {
  const found: Path[] = [at];
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) found.push(...pathsOf(item, [...at, i]));
  } else if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) found.push(...pathsOf(item, [...at, key]));
  }
  return found;
}

type Mutation = "replace" | "delete" | "add" | "wrap" | "taint";

/** Text made malformed or oversized where it stands, so the rest of the body stays valid. */
const taints = ["\ud800", "\udfff", "\ud83d", "\u0000", "x".repeat(5000)] as const;

function mutate(value: unknown, path: Path, how: Mutation, hostile: unknown, taint = 0): unknown {
  if (path.length === 0) {
    if (how === "taint") {
      if (typeof value !== "string") return value;
      const at = taint % (value.length + 1);
      return `${value.slice(0, at)}${taints[taint % taints.length]}${value.slice(at)}`;
    }
    if (how === "wrap") return [value];
    if (how === "add" && value && typeof value === "object" && !Array.isArray(value))
      return { ...value, unexpected: hostile };
    return hostile;
  }
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    if (rest.length === 0 && how === "delete") copy.splice(Number(head), 1);
    else copy[Number(head)] = mutate(copy[Number(head)], rest, how, hostile, taint);
    return copy;
  }
  if (value && typeof value === "object") {
    const copy: Record<string, unknown> = { ...value };
    if (rest.length === 0 && how === "delete") delete copy[String(head)];
    else copy[String(head)] = mutate(copy[String(head)], rest, how, hostile, taint);
    return copy;
  }
  return value;
}

/**
 * A valid value with one thing wrong at a random place: a hostile value, a field gone or added,
 * the whole wrapped, or a text field tainted where it stands (malformed Unicode, a NUL, 5,000 chars).
 */
export function mutatedValue(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc
    .tuple(
      valid,
      fc.nat(),
      fc.constantFrom<Mutation>("replace", "replace", "delete", "add", "wrap", "taint", "taint"),
      hostileValue,
      fc.nat(),
    )
    .map(([value, pick, how, hostile, taint]) => {
      const all = pathsOf(value);
      const paths = how === "taint" ? all.filter((p) => typeof valueAt(value, p) === "string") : all;
      return mutate(value, paths[pick % Math.max(1, paths.length)] ?? [], how, hostile, taint);
    });
}

function valueAt(value: unknown, path: Path): unknown {
  let at = value;
  for (const step of path) at = (at as Record<string | number, unknown> | undefined)?.[step];
  return at;
}

/** Bodies that are not JSON of the right shape at all. */
export const rawBodies: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '{"a":',
    "null",
    "[]",
    '"text"',
    "1",
    "{}",
    "\ufeff{}",
    '{"a":1,"a":2}',
    '{"__proto__":{"admin":true}}',
    "{'single':'quotes'}",
    "NaN",
    '{"n":1e400}',
    "[".repeat(5000),
    `[${"[".repeat(3000)}${"]".repeat(3000)}]`,
    "<xml/>",
  ),
  fc.string({ unit: codeUnit, maxLength: 40 }),
  fc.constant(JSON.stringify({ big: "x".repeat(70 * 1024) })),
);
