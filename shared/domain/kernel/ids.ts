import * as z from "#shared/zod.ts";

/** Ids in paths and bodies: ULIDs in practice; anything else is refused before a read. */
export const idSchema = z.string().check(z.regex(/^[0-9A-Za-z-]{1,40}$/, "must be an id like 01JB8Z3K5Q..."));
