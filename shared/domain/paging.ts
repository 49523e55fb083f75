import * as z from "../zod.ts";

/** One page of results; `nextCursor` is opaque to clients and absent on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export const MAX_PAGE_SIZE = 50;

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
  cursor: z.optional(z.string().check(z.maxLength(2048))),
};

export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}
