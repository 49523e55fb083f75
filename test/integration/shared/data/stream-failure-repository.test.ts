import type { DynamoDBRecord } from "aws-lambda";
import { expect, it } from "vitest";
import { productionFailureStore } from "../../../../shared/data/stream-failure-repository.ts";
import type { StreamFailure } from "../../../../shared/stream-failures.ts";
import { useTestCity } from "../../../support/city.ts";

/** The failure store keeps a record whole, however large, as far as an item can hold it. */
// The city of this file: its store is the one the failure store finds through the environment.
useTestCity({ demo: false });

function failureOf(eventId: string, bio: string): StreamFailure {
  const record: DynamoDBRecord = {
    eventID: eventId,
    eventName: "MODIFY",
    dynamodb: {
      SequenceNumber: "1",
      Keys: { pk: { S: "MEMBER#m" }, sk: { S: "PROFILE" } },
      OldImage: { bio: { S: bio } },
      NewImage: { bio: { S: `${bio}.` } },
    },
  };
  return {
    failureId: `audit-trail#${eventId}`,
    consumer: "audit-trail",
    eventId,
    sequenceNumber: "1",
    eventName: "MODIFY",
    itemKey: { pk: "MEMBER#m", sk: "PROFILE" },
    record,
    error: { name: "Error", message: "boom" },
    attempts: 4,
    firstFailedAt: "2026-03-01T10:00:00.000Z",
    lastFailedAt: "2026-03-01T10:00:00.000Z",
    occurrences: 1,
    replayAttempts: 0,
  };
}

it("stores a record too large for plain text compressed, and gives it back whole", async () => {
  const store = productionFailureStore().failures;
  // Two images of ~170 KB each: over the plain limit, compressible as real text is.
  const big = failureOf("e-big", "time bank ".repeat(17_000));
  expect(await store.store(big)).toBe("stored");
  const [found] = (await store.list("audit-trail", { limit: 10 })).items.filter((f) => f.eventId === "e-big");
  expect(found?.record).toEqual(big.record);
});

it("counts another occurrence, and keeps the first failure, when the same record fails again", async () => {
  const store = productionFailureStore().failures;
  const first = failureOf("e-again", "first");
  await store.store(first);
  const again = {
    ...first,
    error: { name: "Error", message: "still broken" },
    lastFailedAt: "2026-03-02T10:00:00.000Z",
  };
  expect(await store.store(again)).toBe("exists");
  const [found] = (await store.list("audit-trail", { limit: 10 })).items.filter(
    (f) => f.eventId === "e-again",
  );
  expect(found).toMatchObject({
    occurrences: 2,
    firstFailedAt: first.firstFailedAt,
    lastFailedAt: "2026-03-02T10:00:00.000Z",
    error: { message: "still broken" },
    record: first.record,
  });
});

it("lets one replay at a time hold a failure", async () => {
  const store = productionFailureStore().failures;
  await store.store(failureOf("e-claim", "x"));
  const id = "audit-trail#e-claim";
  const now = "2026-03-03T10:00:00.000Z";
  const until = "2026-03-03T10:15:00.000Z";
  expect(await store.claim(id, "one", now, until)).toBe(true);
  expect(await store.claim(id, "two", now, until)).toBe(false);
  // A claim that ran out (its replay died) can be taken over.
  expect(await store.claim(id, "three", "2026-03-03T10:16:00.000Z", "2026-03-03T10:31:00.000Z")).toBe(true);
  await expect(store.remove(id, "one")).rejects.toThrow();
  await store.remove(id, "three");
  expect((await store.list("audit-trail", { limit: 10 })).items.map((f) => f.eventId)).not.toContain(
    "e-claim",
  );
});
