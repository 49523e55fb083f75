import { createHash } from "node:crypto";
import type { Clock } from "#domain/kernel/clock.ts";
import * as z from "#shared/zod.ts";
import { IdempotencyKeyReusedError } from "./errors.ts";

/**
 * Idempotency for every request that moves credit (and, when a key is sent, for exchange
 * transitions). The contract, as Stripe and TigerBeetle frame it:
 * - the first request with a key runs; its success response is stored in a durable record written
 *   in the same DynamoDB transaction as its effects, so the record exists exactly when they do;
 * - a retry with the same key and the same request gets the stored response, whenever it comes
 *   (DynamoDB's own ClientRequestToken only covers 10 minutes; the record has no such window);
 * - the same key with a different request gets 409 `IDEMPOTENCY_KEY_REUSED`;
 * - failures are not stored: a refused request may be retried with the same key.
 * Keys are scoped to the signed-in member, so two members never collide. Reading the key from a
 * request is the HTTP middleware's job (functions/http/idempotency.ts).
 */
/** How long a record is kept (DynamoDB TTL); transfer ids derived from keys guard beyond that. */
export const IDEMPOTENCY_RETENTION_DAYS = 30;

/** An Idempotency-Key's shape: the header's schema in the OpenAPI document comes from here. */
export const idempotencyKeySchema = z
  .string()
  .check(z.regex(/^[A-Za-z0-9_-]{8,128}$/, "Must be 8 to 128 letters, digits, - or _"));

export const idempotencyRecordSchema = z.object({
  scope: z.string(),
  key: z.string(),
  fingerprint: z.string(),
  status: z.int(),
  /** The stored response body as JSON text. */
  body: z.string(),
  createdAt: z.iso.datetime(),
  expiresAt: z.int(),
});
export type IdempotencyRecord = z.infer<typeof idempotencyRecordSchema>;

export interface IdempotencyContext {
  /** The signed-in member's id. */
  scope: string;
  key: string;
  /** Hash of what the request asks for: route, path, the member acted for, and the parsed body. */
  fingerprint: string;
}

export interface StoredResponse {
  status: number;
  body: unknown;
}

/** JSON with object keys sorted, so the same request always has the same fingerprint. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** What identifies a request: route, path parameters, the member acted for, and the parsed body. */
export function fingerprintOf(request: {
  route: string;
  path: unknown;
  subjectId: string;
  body: unknown;
}): string {
  return createHash("sha256").update(canonical(request)).digest("base64url");
}

/** A stable id derived from a key (e.g. the transfer a keyed award makes): retries reuse it. */
export function idFromKey(prefix: string, scope: string, key: string): string {
  return `${prefix}-${createHash("sha256").update(`${scope}|${key}`).digest("hex").slice(0, 26).toUpperCase()}`;
}

/**
 * The ClientRequestToken of a transaction: derived from the idempotency key (or the transfer id)
 * and from the state the transaction was planned on. A retry of the same plan (the SDK's, after a
 * lost response) reuses the token, so DynamoDB answers success without applying it twice; a plan
 * rebuilt on fresher state gets a new token rather than an IdempotentParameterMismatch.
 */
export function clientRequestToken(seed: string, planState: string): string {
  return createHash("sha256").update(`${seed}|${planState}`).digest("base64url").slice(0, 36);
}

export function recordFor(
  context: IdempotencyContext,
  response: StoredResponse,
  now: Date,
): IdempotencyRecord {
  return {
    scope: context.scope,
    key: context.key,
    fingerprint: context.fingerprint,
    status: response.status,
    body: JSON.stringify(response.body),
    createdAt: now.toISOString(),
    expiresAt: Math.floor(now.getTime() / 1000) + IDEMPOTENCY_RETENTION_DAYS * 24 * 3600,
  };
}

/** Builds the record for the response about to be committed; undefined when the request had no key. */
export type RecordBuilder = (response: StoredResponse) => IdempotencyRecord | undefined;

/**
 * Runs a keyed request once. `run` must write the record `record(response)` in the same
 * transaction as its effects. When `run` fails and a record for the key exists (a retry, a
 * concurrent duplicate, or a commit whose response was lost), the stored response is returned.
 * @throws IdempotencyKeyReusedError when the key was used for a different request; otherwise
 * whatever `run` throws.
 */
export async function runIdempotent(
  // Typed by what it calls, not by `Deps`: the ledger's ports import this module's record type.
  deps: {
    ledger: { getIdempotencyRecord(scope: string, key: string): Promise<IdempotencyRecord | undefined> };
    clock: Clock;
  },
  context: IdempotencyContext | undefined,
  run: (record: RecordBuilder) => Promise<StoredResponse>,
): Promise<StoredResponse> {
  if (!context) return run(() => undefined);
  try {
    return await run((response) => recordFor(context, response, deps.clock.now()));
  } catch (error) {
    const stored = await deps.ledger.getIdempotencyRecord(context.scope, context.key);
    if (!stored) throw error;
    if (stored.fingerprint !== context.fingerprint) {
      throw new IdempotencyKeyReusedError(
        "This Idempotency-Key was already used for a different request; use a new key for a new request",
      );
    }
    return { status: stored.status, body: JSON.parse(stored.body) };
  }
}
