import { describe, expect, it } from "vitest";
import { storePaging } from "#data/cursor.ts";
import { ValidationError } from "#domain/kernel/errors.ts";
import { encodeCursor } from "#domain/kernel/paging.ts";

const inbox = storePaging({ partition: "INBOX#amira", sort: { prefix: "NOTE#" } });
const byOwner = storePaging({
  index: "postsByOwner",
  partition: "POSTS#OWNER#amira",
  item: { pk: { prefix: "POST#" }, sk: { equals: "POST" } },
});

function refusal(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("store paging", () => {
  it("turns the store's last key into a cursor and back", () => {
    const key = { pk: "INBOX#amira", sk: "NOTE#01J" };
    expect(inbox.start(inbox.next(key))).toEqual(key);
    expect(inbox.next(undefined)).toBeUndefined();
    expect(inbox.start(undefined)).toBeUndefined();
  });

  it("keeps an index's keys and the item's keys", () => {
    const key = { ownerPk: "POSTS#OWNER#amira", ownerSk: "2026-01-01#01J", pk: "POST#01J", sk: "POST" };
    expect(byOwner.start(byOwner.next(key))).toEqual(key);
  });

  const other = storePaging({ partition: "INBOX#ben", sort: { prefix: "NOTE#" } });
  it.each([
    ["another partition's cursor", () => inbox.start(other.next({ pk: "INBOX#ben", sk: "NOTE#01J" }))],
    ["a key outside the sort range", () => inbox.start(inbox.next({ pk: "INBOX#amira", sk: "GUARD#x" }))],
    [
      "a bare cursor of the codec",
      () => inbox.start(encodeCursor("another list", { pk: "INBOX#amira", sk: "NOTE#1" })),
    ],
    ["a key of the wrong partition", () => inbox.start(inbox.next({ pk: "INBOX#ben", sk: "NOTE#01J" }))],
    [
      "a key with an extra attribute",
      () => inbox.start(inbox.next({ pk: "INBOX#amira", sk: "NOTE#1", x: "y" })),
    ],
    ["a key missing the sort key", () => inbox.start(inbox.next({ pk: "INBOX#amira" }))],
    [
      "a sort key too long for the store",
      () => inbox.start(inbox.next({ pk: "INBOX#amira", sk: `NOTE#${"é".repeat(600)}` })),
    ],
    [
      "an empty item key",
      () =>
        byOwner.start(byOwner.next({ ownerPk: "POSTS#OWNER#amira", ownerSk: "s", pk: "POST#", sk: "POST" })),
    ],
    [
      "an item of another entity",
      () =>
        byOwner.start(
          byOwner.next({ ownerPk: "POSTS#OWNER#amira", ownerSk: "s", pk: "MEMBER#1", sk: "PROFILE" }),
        ),
    ],
  ])("refuses %s", (_what, run) => {
    const error = refusal(run);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details?.[0]?.path).toBe("query.cursor");
  });

  it("knows the key attributes of each index from the table definition", () => {
    expect(() => storePaging({ index: "postsByOwner", partition: "x" })).toThrow(/item/);
  });
});
