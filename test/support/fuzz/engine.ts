import { createHash } from "node:crypto";
import { request } from "node:http";
import fc from "fast-check";
import * as z from "#shared/zod.ts";
import type { RouteContract } from "../../../functions/http/route.ts";
import { manifest } from "../../../infra/manifest.ts";
import { buildOpenApi, contractOf } from "../../../infra/openapi.ts";
import { documentedErrors } from "../readme.ts";
import { snapshotTable, type TableSnapshot, tableChanges } from "../table.ts";
import {
  hostileText,
  idKindOf,
  type JsonSchema,
  mutatedValue,
  type Pools,
  rawBodies,
  validValue,
} from "./values.ts";
import { type BadToken, badTokens, type Caller, callers, startWorld, type World } from "./world.ts";

/** One operation of the OpenAPI document with the zod contract of its route. */
export interface Operation {
  key: string;
  method: string;
  path: string;
  auth: boolean;
  actFor: boolean;
  pathParams: string[];
  query: { name: string; required: boolean; schema: JsonSchema }[];
  body: JsonSchema | undefined;
  contract: RouteContract;
}

/** One generated request, kept whole so a failure can be replayed. */
export interface FuzzRequest {
  caller: Caller;
  badToken?: BadToken;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Why this request must be refused whatever else it says (a bad token, a body that is not JSON). */
  mustRefuse?: string;
}

export interface Failure {
  operation: string;
  problem:
    | "server error"
    | "not the house shape"
    | "undocumented code"
    | "write on rejection"
    | "outside contract"
    | "accepted what it must refuse"
    | "no answer"
    | "headers";
  status: number;
  detail: string;
  request: FuzzRequest;
}

export interface FuzzReport {
  seed: number;
  runsPerOperation: number;
  operations: number;
  requests: number;
  statuses: Record<string, number>;
  codes: Record<string, number>;
  serverErrors: number;
  writesOnRejection: number;
  failures: Failure[];
  /** Requests per operation that passed validation and reached the use-case (2xx or a domain answer). */
  accepted: Record<string, number>;
  /** Answers per operation by status. */
  byOperation: Record<string, Record<string, number>>;
}

interface OpenApiOperation {
  parameters?: { name: string; in: string; required?: boolean; schema?: JsonSchema }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

/** Every operation of the OpenAPI document, with its route's contract: new routes join by themselves. */
export async function loadOperations(world: World): Promise<Operation[]> {
  const doc = (await buildOpenApi(world.city.runtime.deps.city, manifest)) as {
    paths: Record<string, Record<string, OpenApiOperation>>;
  };
  const operations: Operation[] = [];
  for (const route of manifest.routes) {
    const spec = doc.paths[route.path]?.[route.method.toLowerCase()];
    if (!spec) throw new Error(`${route.method} ${route.path} is not in the OpenAPI document`);
    const contract = await contractOf(route);
    const parameters = spec.parameters ?? [];
    operations.push({
      key: `${route.method} ${route.path}`,
      method: route.method,
      path: route.path,
      auth: route.auth,
      actFor: parameters.some((p) => p.in === "header" && p.name === "x-act-for"),
      pathParams: parameters.filter((p) => p.in === "path").map((p) => p.name),
      query: parameters
        .filter((p) => p.in === "query")
        .map((p) => ({ name: p.name, required: p.required ?? false, schema: p.schema ?? {} })),
      body: spec.requestBody?.content?.["application/json"]?.schema,
      contract,
    });
  }
  return operations;
}

/**
 * Percent-encoding as a client that does not care would send it: UTF-8, and a lone surrogate as
 * the three bytes it would take (WTF-8), which no server may decode into text.
 */
function wireEncode(text: string): string {
  let out = "";
  for (const char of text) {
    const unit = char.codePointAt(0) ?? 0;
    out +=
      unit >= 0xd800 && unit <= 0xdfff
        ? [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)]
            .map((byte) => `%${byte.toString(16).toUpperCase()}`)
            .join("")
        : encodeURIComponent(char);
  }
  return out;
}

/** Header values as an HTTP client can send them (no line breaks, nothing above U+00FF). */
const headerSafe = (text: string) => text.replace(/[^\t\x20-\x7e\x80-\xff]/g, "?");

/** The parts of a request the fuzzer makes hostile; the others stay valid, so each part is reached. */
const parts = [
  "body",
  "query",
  "path",
  "route",
  "actFor",
  "idempotency",
  "contentType",
  "token",
  "size",
] as const;
type Part = (typeof parts)[number];

/** `arbitrary` with probability `p`, else null. */
function sometimes<T>(arbitrary: fc.Arbitrary<T>, p: number): fc.Arbitrary<T | null> {
  return fc.oneof(
    { weight: Math.round(p * 100), arbitrary },
    { weight: Math.round((1 - p) * 100), arbitrary: fc.constant(null) },
  );
}

function realSegment(name: string, pools: Pools): fc.Arbitrary<string> {
  const ids = pools.ids[idKindOf(name) ?? ""] ?? [];
  return ids.length > 0 ? fc.constantFrom(...ids) : fc.constant("01NOSUCHITEM0000000000000");
}

/** Path segments as they arrive on the wire: made-up ids, ids of other things, broken encodings. */
function hostileSegment(pools: Pools): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(...(pools.ids.member ?? ["x"]), ...(pools.ids.post ?? []), "01NOSUCHITEM0000000000000"),
    hostileText.map(wireEncode),
    fc.constantFrom("%ZZ", "%", "%E0%A4%A", "%ED%A0%80", "%2F", "..", "%00", "%F0%9F%8C%B1"),
  );
}

function validQuery(op: Operation, world: World): fc.Arbitrary<string[]> {
  return fc
    .tuple(
      ...op.query.map((param) =>
        sometimes(
          validValue(param.schema, param.name, world.pools).map(
            (value) => `${param.name}=${wireEncode(String(value))}`,
          ),
          param.required ? 1 : 0.3,
        ),
      ),
    )
    .map((values) => values.filter((v): v is string => v !== null));
}

/** A query with one hostile parameter: a wrong value, a foreign cursor, a broken encoding, an unknown name. */
function hostileQuery(op: Operation, world: World): fc.Arbitrary<string[]> {
  const names = op.query.map((q) => q.name);
  const value = fc.oneof(
    hostileText.map(wireEncode),
    fc.constantFrom("%ZZ", "%E0%A4%A", "%ED%A0%80", "1%00", "a&b=c", ""),
    ...(world.cursors.length > 0 ? [fc.constantFrom(...world.cursors).map(wireEncode)] : []),
  );
  const named = names.length > 0 ? fc.constantFrom(...names) : fc.constant("unknown");
  const cursors =
    names.includes("cursor") && world.cursors.length > 0
      ? [{ weight: 4, arbitrary: fc.constantFrom(...world.cursors).map((c) => `cursor=${wireEncode(c)}`) }]
      : [];
  return fc
    .tuple(
      validQuery(op, world),
      fc.oneof(
        { weight: 4, arbitrary: fc.tuple(named, value).map(([name, v]) => `${name}=${v}`) },
        ...cursors,
        {
          weight: 1,
          arbitrary: fc.oneof(
            fc.constantFrom(
              "__proto__=1",
              "constructor=x",
              "unknown=1",
              "limit=1&limit=2",
              "cursor=",
              "hasOwnProperty=1",
            ),
            hostileText.map((text) => `${wireEncode(text)}=1`),
          ),
        },
      ),
    )
    .map(([valid, hostile]) => [...valid, hostile]);
}

function validBody(op: Operation, pools: Pools): fc.Arbitrary<string | undefined> {
  return op.body ? validValue(op.body, "body", pools).map((v) => JSON.stringify(v)) : fc.constant(undefined);
}

function hostileBody(op: Operation, pools: Pools): fc.Arbitrary<string | undefined> {
  const others = [
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: rawBodies },
  ];
  if (!op.body) return fc.oneof(...others);
  return fc.oneof(
    {
      weight: 5,
      arbitrary: mutatedValue(validValue(op.body, "body", pools)).map((v) => JSON.stringify(v) ?? "null"),
    },
    ...others,
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

/**
 * Requests for one operation: from one kind of caller, with one or two parts made hostile (or
 * none, so valid requests reach the rules behind validation too).
 */
export function requestsFor(op: Operation, world: World): fc.Arbitrary<FuzzRequest> {
  const { pools } = world;
  const memberIds = pools.ids.member ?? [];
  const hostileHeader = hostileText.map(headerSafe);
  return fc
    .record({
      hostile: fc.oneof(
        { weight: 1, arbitrary: fc.constant<Part[]>([]) },
        { weight: 5, arbitrary: fc.subarray([...parts], { minLength: 1, maxLength: 2 }) },
      ),
      caller: fc.constantFrom(...callers),
      badToken: fc.constantFrom(...badTokens),
      validPath: fc.tuple(...op.pathParams.map((name) => realSegment(name, pools))),
      hostilePath: fc.tuple(
        fc.nat(),
        hostileSegment(pools),
        fc.tuple(...op.pathParams.map((name) => realSegment(name, pools))),
      ),
      validQuery: validQuery(op, world),
      hostileQuery: hostileQuery(op, world),
      validBody: validBody(op, pools),
      hostileBody: hostileBody(op, pools),
      validActFor: op.actFor ? sometimes(fc.constantFrom(...memberIds), 0.3) : fc.constant(null),
      hostileActFor: fc.oneof(
        fc.constantFrom(...memberIds, "01NOSUCHMEMBER00000000000"),
        hostileHeader,
        fc.integer({ min: 41, max: 4000 }).map((n) => "A".repeat(n)),
      ),
      idempotencyKey: fc.uuid(),
      hostileIdempotencyKey: fc.oneof(
        fc.constantFrom("", "short", "key with spaces", "x".repeat(200)),
        hostileHeader,
      ),
      hostileContentType: fc.constantFrom<string | undefined>(
        undefined,
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/xml",
        "multipart/form-data; boundary=x",
        "application/json; charset=latin1",
        "application/merge-patch+json",
      ),
      padding: fc.constantFrom(4_000, 12_000),
      // Another method on the same path, or the path bent: trailing or doubled slashes, other case.
      otherMethod: fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"),
      bend: fc.constantFrom<(path: string) => string>(
        (p) => `${p}/`,
        (p) => `/${p}`,
        (p) => p.replace(/\//g, "//"),
        (p) => p.toUpperCase(),
        (p) => `${p}/..`,
      ),
      bendInstead: fc.boolean(),
    })
    .map((r) => {
      const is = (part: Part) => r.hostile.includes(part);
      const segments = [...r.hostilePath[2]];
      if (is("path") && segments.length > 0) segments[r.hostilePath[0] % segments.length] = r.hostilePath[1];
      let path = op.path;
      const values = is("path") ? segments : r.validPath;
      op.pathParams.forEach((name, i) => {
        path = path.replace(`{${name}}`, values[i] ?? "");
      });
      const method = is("route") && !r.bendInstead ? r.otherMethod : op.method;
      if (is("route") && r.bendInstead) path = r.bend(path);
      const query = is("query") ? r.hostileQuery : r.validQuery;
      const body = is("body") ? r.hostileBody : r.validBody;
      const headers: Record<string, string> = {};
      const badToken = is("token") ? r.badToken : undefined;
      const authorization =
        r.caller === "anonymous" && !badToken ? undefined : world.authorization(r.caller, badToken);
      if (authorization !== undefined) headers.authorization = authorization;
      const actFor = is("actFor") ? r.hostileActFor : r.validActFor;
      if (actFor !== null) headers["x-act-for"] = actFor;
      if (op.method !== "GET")
        headers["idempotency-key"] = is("idempotency") ? r.hostileIdempotencyKey : r.idempotencyKey;
      const contentType = is("contentType") ? r.hostileContentType : "application/json";
      if (body !== undefined && contentType !== undefined) headers["content-type"] = contentType;
      if (is("size")) headers["x-padding"] = "p".repeat(r.padding);
      const mustRefuse =
        badToken && op.auth
          ? `a ${badToken} token`
          : body !== undefined && is("contentType")
            ? `a body of type ${contentType ?? "(none)"}`
            : is("size") && r.padding > 10_240
              ? "headers over 10,240 bytes"
              : undefined;
      return {
        ...(mustRefuse ? { mustRefuse } : {}),
        caller: r.caller,
        ...(badToken ? { badToken } : {}),
        method,
        path: `${path}${query.length > 0 ? `?${query.join("&")}` : ""}`,
        headers,
        ...(body !== undefined ? { body } : {}),
      };
    });
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

function send(url: string, req: FuzzRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers };
    if (req.body !== undefined) headers["content-length"] = String(Buffer.byteLength(req.body));
    const outgoing = request(`${url}${req.path}`, { method: req.method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString("utf8"),
        }),
      );
      res.on("error", reject);
    });
    outgoing.on("error", reject);
    outgoing.end(req.body);
  });
}

const errorBodySchema = z.strictObject({
  error: z.strictObject({
    code: z.string(),
    message: z.string().check(z.minLength(1)),
    details: z.optional(z.array(z.strictObject({ path: z.string(), message: z.string() }))),
  }),
});

/** Codes of requests refused before any use-case ran (input, token, media type, sizes). */
const refusedAtTheDoor = new Set([
  "VALIDATION_FAILED",
  "MALFORMED_JSON",
  "MALFORMED_REQUEST",
  "UNAUTHORIZED",
  "UNSUPPORTED_MEDIA_TYPE",
  "PAYLOAD_TOO_LARGE",
  "REQUEST_HEADERS_TOO_LARGE",
]);

/** A stable seed for an operation, so adding routes does not change the requests of the others. */
function seedOf(seed: number, key: string): number {
  return createHash("sha256").update(`${seed}:${key}`).digest().readInt32LE(0);
}

export interface FuzzOptions {
  seed: number;
  runsPerOperation: number;
  /** Called after each operation, for progress output. */
  onOperation?: (key: string, done: number, total: number) => void;
}

/**
 * Runs the fuzzer against a private city: for every operation of the OpenAPI document, `runs`
 * generated requests, one at a time. Every answer must be below 500; every error must be in the
 * house shape with a documented code and its documented status; a refused request must leave
 * every item of the table as it was (a Scan before and after); a success must match its contract.
 */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const world = await startWorld();
  try {
    const operations = await loadOperations(world);
    const documented = documentedErrors();
    const report: FuzzReport = {
      seed: options.seed,
      runsPerOperation: options.runsPerOperation,
      operations: operations.length,
      requests: 0,
      statuses: {},
      codes: {},
      serverErrors: 0,
      writesOnRejection: 0,
      failures: [],
      accepted: {},
      byOperation: {},
    };
    let before: TableSnapshot = await snapshotTable(world.city);
    const fail = (failure: Failure) => {
      report.failures.push(failure);
    };
    for (const [index, op] of operations.entries()) {
      const requests = fc.sample(requestsFor(op, world), {
        seed: seedOf(options.seed, op.key),
        numRuns: options.runsPerOperation,
      });
      for (const req of requests) {
        report.requests += 1;
        let answer: Answer;
        try {
          answer = await send(world.city.apiUrl, req);
        } catch (error) {
          fail({ operation: op.key, problem: "no answer", status: 0, detail: String(error), request: req });
          continue;
        }
        const { status } = answer;
        report.statuses[status] = (report.statuses[status] ?? 0) + 1;
        const mine = report.byOperation[op.key] ?? {};
        mine[status] = (mine[status] ?? 0) + 1;
        report.byOperation[op.key] = mine;
        if (
          answer.headers["x-content-type-options"] !== "nosniff" ||
          answer.headers["cache-control"] !== "no-store"
        ) {
          fail({
            operation: op.key,
            problem: "headers",
            status,
            detail: JSON.stringify(answer.headers),
            request: req,
          });
        }
        if (status >= 500) {
          report.serverErrors += 1;
          fail({
            operation: op.key,
            problem: "server error",
            status,
            detail: answer.text.slice(0, 300),
            request: req,
          });
        }
        if (status >= 400) {
          let parsed: unknown;
          try {
            parsed = JSON.parse(answer.text);
          } catch {
            parsed = undefined;
          }
          const shape = z.safeParse(errorBodySchema, parsed);
          if (!shape.success) {
            fail({
              operation: op.key,
              problem: "not the house shape",
              status,
              detail: answer.text.slice(0, 300),
              request: req,
            });
          } else {
            const { code } = shape.data.error;
            report.codes[code] = (report.codes[code] ?? 0) + 1;
            if (documented.get(code) !== status) {
              fail({ operation: op.key, problem: "undocumented code", status, detail: code, request: req });
            }
            if (!refusedAtTheDoor.has(code)) {
              report.accepted[op.key] = (report.accepted[op.key] ?? 0) + 1;
            }
          }
          const after = await snapshotTable(world.city);
          const changed = tableChanges(before, after);
          if (changed.length > 0) {
            report.writesOnRejection += 1;
            fail({
              operation: op.key,
              problem: "write on rejection",
              status,
              detail: changed.slice(0, 10).join(", "),
              request: req,
            });
          }
          before = after;
        } else {
          report.accepted[op.key] = (report.accepted[op.key] ?? 0) + 1;
          if (req.mustRefuse) {
            fail({
              operation: op.key,
              problem: "accepted what it must refuse",
              status,
              detail: req.mustRefuse,
              request: req,
            });
          }
          if (!op.contract.csv && op.contract.response) {
            let parsed: unknown;
            try {
              parsed = JSON.parse(answer.text);
            } catch {
              parsed = undefined;
            }
            const result = z.safeParse(op.contract.response, parsed);
            if (!result.success) {
              fail({
                operation: op.key,
                problem: "outside contract",
                status,
                detail: JSON.stringify(result.error.issues).slice(0, 300),
                request: req,
              });
            }
          }
          before = await snapshotTable(world.city);
        }
      }
      options.onOperation?.(op.key, index + 1, operations.length);
    }
    return report;
  } finally {
    await world.stop();
  }
}

/** A failure as a line someone can act on: what, where, and the request to replay. */
export function describeFailure(failure: Failure): string {
  const { request: req } = failure;
  const headers = { ...req.headers };
  if (headers.authorization) headers.authorization = `<${req.badToken ?? req.caller} token>`;
  if (headers["x-padding"]) headers["x-padding"] = `<${headers["x-padding"].length} bytes>`;
  const body =
    req.body && req.body.length > 300 ? `${req.body.slice(0, 300)}… (${req.body.length} chars)` : req.body;
  return `${failure.problem} (${failure.status}) on ${failure.operation}: ${failure.detail}\n  ${req.method} ${req.path.slice(0, 300)} as ${req.caller} ${JSON.stringify(headers)} ${body ?? ""}`;
}
