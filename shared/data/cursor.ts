import { ValidationError } from "../domain/errors.ts";

/**
 * Opaque pagination cursors: the store's position (LastEvaluatedKey) as base64url JSON, never
 * handed to clients raw. A cursor that does not decode to a key of string values is refused.
 */
export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key), "utf8").toString("base64url") : undefined;
}

/** @throws ValidationError (INVALID) when the cursor was not made by encodeCursor. */
export function decodeCursor(cursor: string | undefined): Record<string, string> | undefined {
  if (!cursor) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    parsed = undefined;
  }
  if (
    typeof parsed !== "object" ||
    parsed === null ||
    Array.isArray(parsed) ||
    !Object.values(parsed).every((v) => typeof v === "string")
  ) {
    throw new ValidationError("The cursor is not valid", [
      { path: "query.cursor", message: "Not a cursor from this API" },
    ]);
  }
  return parsed as Record<string, string>;
}
