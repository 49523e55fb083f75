import { ValidationError } from "#domain/kernel/errors.ts";
import type { IdempotencyContext } from "#domain/ledger/idempotency.ts";
import { fingerprintOf, idempotencyKeySchema } from "#domain/ledger/idempotency.ts";
import * as z from "#shared/zod.ts";

/**
 * The HTTP side of idempotency: reading the `Idempotency-Key` header and turning a request into
 * the context the ledger's use-cases take (key, member scope, fingerprint). The middleware chain
 * does this for every route whose contract declares `idempotency`, so neither handlers nor the
 * domain read headers.
 */
export const IDEMPOTENCY_HEADER = "idempotency-key";

/**
 * Reads and checks the Idempotency-Key header.
 * @throws ValidationError naming `headers.idempotency-key` when it is missing (and required) or malformed.
 */
export function idempotencyKeyFrom(
  headers: Readonly<Record<string, string | undefined>> | undefined,
  required: boolean,
): string | undefined {
  const value = headers?.[IDEMPOTENCY_HEADER];
  if (value === undefined || value === "") {
    if (!required) return undefined;
    throw new ValidationError("An Idempotency-Key header is required for requests that move credit", [
      { path: `headers.${IDEMPOTENCY_HEADER}`, message: "Required: 8 to 128 letters, digits, - or _" },
    ]);
  }
  if (!z.safeParse(idempotencyKeySchema, value).success) {
    throw new ValidationError("The Idempotency-Key header is invalid", [
      { path: `headers.${IDEMPOTENCY_HEADER}`, message: "Must be 8 to 128 letters, digits, - or _" },
    ]);
  }
  return value;
}

/** What identifies a keyed request besides its key: who sends it, as whom, to what, with what. */
export interface KeyedRequest {
  /** The signed-in member's id: keys are scoped to them, so two members never collide. */
  scope: string;
  /** The name the route's requests are fingerprinted under (its contract's `operation`). */
  operation: string;
  path: unknown;
  /** The member the request is made for (the actor, or whom they act for). */
  subjectId: string;
  body: unknown;
}

/**
 * The idempotency context of a request: undefined when no key was sent and none is required.
 * @throws ValidationError naming `headers.idempotency-key` when it is malformed, or missing but required.
 */
export function idempotencyContextOf(
  headers: Readonly<Record<string, string | undefined>> | undefined,
  request: KeyedRequest,
  required: boolean,
): IdempotencyContext | undefined {
  const key = idempotencyKeyFrom(headers, required);
  if (!key) return undefined;
  const { scope, operation, path, subjectId, body } = request;
  return { scope, key, fingerprint: fingerprintOf({ route: operation, path, subjectId, body }) };
}
