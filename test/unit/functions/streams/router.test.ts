import type { Context, DynamoDBRecord } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { type RoutedConsumer, routeBatch } from "../../../../functions/streams/router.ts";
import type { StreamConsumerEntry } from "../../../../infra/manifest.ts";
import type { StreamFailure, StreamFailureStore } from "../../../../shared/stream-failures.ts";

function record(seq: number, entity: string, name = "x"): DynamoDBRecord {
  return {
    eventID: `e${seq}`,
    eventName: "INSERT",
    dynamodb: {
      SequenceNumber: String(seq).padStart(4, "0"),
      Keys: { pk: { S: `${entity.toUpperCase()}#${seq}` }, sk: { S: "X" } },
      NewImage: { entity: { S: entity }, name: { S: name } },
    },
  };
}

function memoryStore(options: { failing?: boolean } = {}) {
  const stored: StreamFailure[] = [];
  const store: Pick<StreamFailureStore, "store"> = {
    store: async (failure) => {
      if (options.failing) throw new Error("store unreachable");
      stored.push(failure);
      return "stored";
    },
  };
  return { stored, failures: store as StreamFailureStore };
}

function context(remainingMs = 300_000): Context {
  return {
    awsRequestId: "r",
    functionName: "streams-router",
    getRemainingTimeInMillis: () => remainingMs,
  } as Context;
}

/** A consumer that remembers each batch it got and fails (throws) on records named in `poison`. */
function consumer(
  entry: Omit<Partial<StreamConsumerEntry>, "router"> & { name: string },
  poison: string[] = [],
) {
  const batches: string[][] = [];
  const routed: RoutedConsumer = {
    entry: { handler: `${entry.name}.ts`, router: "streams-router", batchSize: 10, maxRetries: 2, ...entry },
    handler: async (event) => {
      batches.push(event.Records.map((r) => r.eventID ?? ""));
      for (const [i, r] of event.Records.entries()) {
        if (poison.includes(r.dynamodb?.NewImage?.name?.S ?? "")) {
          return {
            batchItemFailures: event.Records.slice(i).map((x) => ({
              itemIdentifier: x.dynamodb?.SequenceNumber ?? "",
            })),
            error: { name: "TypeError", message: `cannot take ${r.eventID}` },
          };
        }
      }
      return { batchItemFailures: [] };
    },
  };
  return { routed, batches };
}

const deps = (failures: StreamFailureStore) => ({
  cityId: "riverside",
  failures,
  now: () => new Date("2026-03-01T10:00:00Z"),
});
const instant = { pause: async () => {} };

describe("the stream router", () => {
  it("gives each consumer only what passes its filter, in batches of its own size", async () => {
    const members = consumer({ name: "members", batchSize: 2, filter: { entities: ["Member"] } });
    const everything = consumer({ name: "everything", batchSize: 10 });
    const { failures } = memoryStore();
    const batch = [record(1, "Member"), record(2, "Post"), record(3, "Member"), record(4, "Member")];
    const result = await routeBatch(
      [members.routed, everything.routed],
      { Records: batch },
      deps(failures),
      context(),
      instant,
    );
    expect(result).toEqual({ batchItemFailures: [] });
    expect(members.batches).toEqual([["e1", "e3"], ["e4"]]);
    expect(everything.batches).toEqual([["e1", "e2", "e3", "e4"]]);
  });

  it("stores a record that fails every attempt, with its consumer, error and attempts, and goes on", async () => {
    const fragile = consumer({ name: "fragile", maxRetries: 2 }, ["bad"]);
    const steady = consumer({ name: "steady" });
    const { stored, failures } = memoryStore();
    const batch = [record(1, "Member"), record(2, "Member", "bad"), record(3, "Member")];
    const result = await routeBatch(
      [fragile.routed, steady.routed],
      { Records: batch },
      deps(failures),
      context(),
      instant,
    );
    expect(result).toEqual({ batchItemFailures: [] });
    // First batch, then the bad record twice more, then the rest.
    expect(fragile.batches).toEqual([["e1", "e2", "e3"], ["e2", "e3"], ["e2", "e3"], ["e3"]]);
    expect(steady.batches).toEqual([["e1", "e2", "e3"]]);
    expect(stored).toEqual([
      {
        failureId: "fragile#e2",
        consumer: "fragile",
        eventId: "e2",
        sequenceNumber: "0002",
        eventName: "INSERT",
        itemKey: { pk: "MEMBER#2", sk: "X" },
        record: batch[1],
        error: { name: "TypeError", message: "cannot take e2" },
        attempts: 3,
        firstFailedAt: "2026-03-01T10:00:00.000Z",
        lastFailedAt: "2026-03-01T10:00:00.000Z",
        occurrences: 1,
        replayAttempts: 0,
      },
    ]);
  });

  it("stores the error of a consumer that throws", async () => {
    const { stored, failures } = memoryStore();
    const throwing: RoutedConsumer = {
      entry: { name: "throwing", router: "streams-router", handler: "t.ts", batchSize: 5, maxRetries: 0 },
      handler: async () => {
        throw new RangeError("out of range");
      },
    };
    await routeBatch([throwing], { Records: [record(1, "Post")] }, deps(failures), context(), instant);
    expect(stored[0]).toMatchObject({
      consumer: "throwing",
      attempts: 1,
      error: { name: "RangeError", message: "out of range" },
    });
  });

  it("hands the batch back from the unfinished record when the failure store itself fails", async () => {
    const fragile = consumer({ name: "fragile", maxRetries: 0 }, ["bad"]);
    const steady = consumer({ name: "steady" });
    const { failures } = memoryStore({ failing: true });
    const batch = [record(1, "Member"), record(2, "Member", "bad"), record(3, "Member")];
    const result = await routeBatch(
      [fragile.routed, steady.routed],
      { Records: batch },
      deps(failures),
      context(),
      instant,
    );
    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(["0002", "0003"]);
  });

  it("hands back what it cannot start before its time runs out", async () => {
    const slow = consumer({ name: "slow", batchSize: 1 });
    const { failures } = memoryStore();
    let left = 60_000;
    const ticking = { ...context(), getRemainingTimeInMillis: () => (left -= 25_000) } as Context;
    const result = await routeBatch(
      [slow.routed],
      { Records: [record(1, "Post"), record(2, "Post"), record(3, "Post")] },
      deps(failures),
      ticking,
      instant,
    );
    expect(slow.batches).toEqual([["e1"]]);
    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(["0002", "0003"]);
  });

  it("sends the failure store's own changes to nobody", async () => {
    const everything = consumer({ name: "everything" });
    const { failures } = memoryStore();
    await routeBatch(
      [everything.routed],
      { Records: [record(1, "StreamFailure"), record(2, "Post")] },
      deps(failures),
      context(),
      instant,
    );
    expect(everything.batches).toEqual([["e2"]]);
  });
});
