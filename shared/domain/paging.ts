import * as z from "../zod.ts";

/** One page of results; `nextCursor` is opaque to clients and absent on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export const MAX_PAGE_SIZE = 50;

/** Query fields every list route accepts. */
export const pageQueryFields = {
  limit: z.optional(
    z
      .pipe(
        z.string().check(z.regex(/^\d{1,3}$/, "must be a whole number")),
        z.transform((v) => Number(v)),
      )
      .check(z.gte(1), z.lte(MAX_PAGE_SIZE)),
  ),
  cursor: z.optional(z.string().check(z.maxLength(2048))),
};

export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}
