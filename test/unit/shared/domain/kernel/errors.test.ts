import { describe, expect, it } from "vitest";
import { ConflictError, ValidationError } from "#domain/kernel/errors.ts";

describe("DomainError", () => {
  it("keeps the error it was raised from as its cause, and its details", () => {
    const original = Object.assign(new Error("Transaction cancelled"), {
      name: "TransactionCanceledException",
    });
    const error = new ConflictError("That exchange already exists", undefined, { cause: original });
    expect(error.cause).toBe(original);
    expect(error.code).toBe("CONFLICT");
    const invalid = new ValidationError("Bad", [{ path: "a", message: "b" }]);
    expect(invalid.details).toEqual([{ path: "a", message: "b" }]);
    expect(invalid.cause).toBeUndefined();
  });
});
