import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import { firstItemExists, transactOrConflict, transactUnlessRefused } from "#data/cancellation.ts";
import { ConflictError } from "#domain/kernel/errors.ts";

const put = {
  Put: { TableName: "t", Item: { pk: "A", sk: "B" }, ConditionExpression: "attribute_not_exists(pk)" },
};

function cancellation(...codes: string[]): TransactionCanceledException {
  return new TransactionCanceledException({
    message: "Transaction cancelled",
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });
}

function storeThatThrows(error: unknown) {
  const sent: unknown[] = [];
  return {
    sent,
    send: async (command: TransactWriteCommand) => {
      sent.push(command);
      if (error) throw error;
      return {};
    },
  };
}

describe("create-only transactions", () => {
  it("sends the items as one transaction", async () => {
    const db = storeThatThrows(undefined);
    await transactOrConflict(db, [put], "exists");
    expect(db.sent).toHaveLength(1);
    expect(db.sent[0]).toBeInstanceOf(TransactWriteCommand);
    expect((db.sent[0] as TransactWriteCommand).input.TransactItems).toEqual([put]);
  });

  it("turns a cancelled transaction into a conflict that keeps the cancellation as its cause", async () => {
    const cancelled = new TransactionCanceledException({
      message: "Transaction cancelled",
      $metadata: {},
      CancellationReasons: [{ Code: "ConditionalCheckFailed" }],
    });
    const failure = await transactOrConflict(storeThatThrows(cancelled), [put], "That post exists").catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ConflictError);
    expect(failure).toMatchObject({ message: "That post exists", cause: cancelled });
  });

  it("lets any other failure through as it is", async () => {
    const other = new Error("network down");
    await expect(transactOrConflict(storeThatThrows(other), [put], "exists")).rejects.toBe(other);
  });
});

describe("guarded transactions whose refusal is an answer", () => {
  it("says written when the store takes the items, as one transaction", async () => {
    const db = storeThatThrows(undefined);
    expect(await transactUnlessRefused(db, [put, put])).toBe(true);
    expect(db.sent).toHaveLength(1);
    expect((db.sent[0] as TransactWriteCommand).input.TransactItems).toEqual([put, put]);
  });

  it("says refused for any cancellation by default", async () => {
    expect(
      await transactUnlessRefused(storeThatThrows(cancellation("None", "ConditionalCheckFailed")), [
        put,
        put,
      ]),
    ).toBe(false);
  });

  it("rethrows a cancellation the caller does not count as a refusal, and any other failure", async () => {
    const racing = cancellation("TransactionConflict", "None");
    await expect(transactUnlessRefused(storeThatThrows(racing), [put, put], firstItemExists)).rejects.toBe(
      racing,
    );
    expect(
      await transactUnlessRefused(
        storeThatThrows(cancellation("ConditionalCheckFailed", "None")),
        [put, put],
        firstItemExists,
      ),
    ).toBe(false);
    const other = new Error("network down");
    await expect(transactUnlessRefused(storeThatThrows(other), [put])).rejects.toBe(other);
  });
});
