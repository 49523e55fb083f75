import { createHash } from "node:crypto";
import * as z from "#shared/zod.ts";
import { ValidationError } from "./errors.ts";

/** One page of results; `nextCursor` is opaque to clients and absent on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export const MAX_PAGE_SIZE = 50;

/** Longest cursor a list route accepts. */
export const MAX_CURSOR_LENGTH = 2048;

/**
 * A whole number in a query string, from `min` to `max`: the digits are checked as text, then the
 * number (whose schema the OpenAPI document shows: an integer with its bounds).
 */
export function wholeNumberText(min: number, max: number, message = "must be a whole number") {
  return z.pipe(
    z.string().check(z.regex(/^\d{1,6}$/, message)),
    z.pipe(
      z.transform((v: string) => Number(v)),
      z.int().check(z.gte(min), z.lte(max)),
    ),
  );
}

/** Query fields every list route accepts. */
export const pageQueryFields = {
  limit: z.optional(wholeNumberText(1, MAX_PAGE_SIZE)),
  cursor: z.optional(z.string().check(z.maxLength(MAX_CURSOR_LENGTH))),
};

export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

/*
 * The one cursor codec of every list. A cursor is base64url JSON `{q, p}`: `q` fingerprints the
 * query it was made for (which list, whose, with which filters) and `p` is where the next page
 * starts. Decoding checks both before anything reaches the store, so a cursor from another list,
 * another member or an edited one is a 400, never a store error or somebody else's page.
 */

const envelopeSchema = z.strictObject({ q: z.string().check(z.length(16)), p: z.unknown() });

function queryPrint(query: string): string {
  return createHash("sha256").update(query).digest("base64url").slice(0, 16);
}

function invalidCursor(): ValidationError {
  return new ValidationError("The cursor is not valid", [
    { path: "query.cursor", message: "Not a cursor of this list: start again without it" },
  ]);
}

/** An opaque cursor for `position` in the query `query` (any text naming the list and its filters). */
export function encodeCursor(query: string, position: unknown): string {
  return Buffer.from(JSON.stringify({ q: queryPrint(query), p: position }), "utf8").toString("base64url");
}

/**
 * The position in a cursor made by `encodeCursor` for the same `query`, checked against `shape`;
 * undefined for no cursor (the first page).
 * @throws ValidationError naming `query.cursor` when the cursor is not one of this query's.
 */
export function decodeCursor<T>(
  cursor: string | undefined,
  query: string,
  shape: z.ZodMiniType<T>,
): T | undefined {
  if (cursor === undefined || cursor === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw invalidCursor();
  }
  const envelope = z.safeParse(envelopeSchema, parsed);
  if (!envelope.success || envelope.data.q !== queryPrint(query)) throw invalidCursor();
  const position = z.safeParse(shape, envelope.data.p);
  if (!position.success) throw invalidCursor();
  return position.data;
}
