import { describe, expect, it } from "vitest";
import { ValidationError } from "#domain/kernel/errors.ts";
import { decodeCursor, encodeCursor } from "#domain/kernel/paging.ts";
import * as z from "#shared/zod.ts";

const position = z.strictObject({
  n: z.int().check(z.gte(0)),
  after: z.optional(z.string().check(z.maxLength(20))),
});

function refusal(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("the cursor codec", () => {
  it("gives back the position it encoded, for the same query", () => {
    const cursor = encodeCursor("inbox:amira", { n: 3, after: "x" });
    expect(decodeCursor(cursor, "inbox:amira", position)).toEqual({ n: 3, after: "x" });
  });

  it("reads no cursor as the first page", () => {
    expect(decodeCursor(undefined, "inbox:amira", position)).toBeUndefined();
    expect(decodeCursor("", "inbox:amira", position)).toBeUndefined();
  });

  it("makes opaque URL-safe text", () => {
    expect(encodeCursor("q", { n: 1 })).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    ["another query's cursor", encodeCursor("inbox:ben", { n: 3 })],
    ["a position of another shape", encodeCursor("inbox:amira", { n: -1 })],
    ["a position with more fields", encodeCursor("inbox:amira", { n: 1, admin: true })],
    ["text that is not a cursor", "not-a-cursor"],
    ["JSON without the envelope", Buffer.from('{"n":1}').toString("base64url")],
    ["an envelope with extra fields", Buffer.from('{"q":"x","p":{"n":1},"z":1}').toString("base64url")],
  ])("refuses %s with VALIDATION_FAILED naming query.cursor", (_what, cursor) => {
    const error = refusal(() => decodeCursor(cursor, "inbox:amira", position));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details).toEqual([
      { path: "query.cursor", message: expect.any(String) },
    ]);
  });
});
