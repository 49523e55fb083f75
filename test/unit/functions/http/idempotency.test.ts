import { describe, expect, it } from "vitest";
import type { ValidationError } from "#domain/kernel/errors.ts";
import { fingerprintOf } from "#domain/ledger/idempotency.ts";
import { idempotencyContextOf, idempotencyKeyFrom } from "../../../../functions/http/idempotency.ts";

describe("the Idempotency-Key header", () => {
  it("accepts keys of 8 to 128 safe characters and names the header otherwise", () => {
    expect(idempotencyKeyFrom({ "idempotency-key": "abc_DEF-123" }, true)).toBe("abc_DEF-123");
    expect(idempotencyKeyFrom({}, false)).toBeUndefined();
    for (const headers of [
      {},
      { "idempotency-key": "short" },
      { "idempotency-key": "x".repeat(129) },
      { "idempotency-key": "a b c d e f" },
    ]) {
      try {
        idempotencyKeyFrom(headers, true);
        expect.unreachable();
      } catch (error) {
        expect((error as ValidationError).details?.[0]?.path).toBe("headers.idempotency-key");
      }
    }
  });

  it("builds a context scoped to the member and fingerprinted under the route's operation", () => {
    const request = { scope: "m1", operation: "donation", path: {}, subjectId: "m2", body: { minutes: 30 } };
    const context = idempotencyContextOf({ "idempotency-key": "key-12345" }, request, true);
    expect(context).toEqual({
      scope: "m1",
      key: "key-12345",
      fingerprint: fingerprintOf({ route: "donation", path: {}, subjectId: "m2", body: { minutes: 30 } }),
    });
    expect(idempotencyContextOf({}, request, false)).toBeUndefined();
    const grant = idempotencyContextOf(
      { "idempotency-key": "key-12345" },
      { ...request, operation: "grant" },
      true,
    );
    expect(grant?.fingerprint).not.toBe(context?.fingerprint);
  });
});
