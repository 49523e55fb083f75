import type { Context } from "aws-lambda";
import { describe, expect, it, vi } from "vitest";
import { type RouterCommand, streamRouterHandler } from "../../../../functions/streams/router-handler.ts";
import { log } from "../../../../shared/logger.ts";
import type { StreamFailure, StreamFailureStore } from "../../../../shared/stream-failures.ts";

const failure: StreamFailure = {
  failureId: "audit-trail#e1",
  consumer: "audit-trail",
  eventId: "e1",
  sequenceNumber: "1",
  eventName: "INSERT",
  itemKey: { pk: "MEMBER#m", sk: "PROFILE" },
  record: { eventID: "e1", dynamodb: { NewImage: { displayName: { S: "Greta" } } } },
  error: { name: "Error", message: "unreachable" },
  attempts: 4,
  firstFailedAt: "2026-03-01T10:00:00.000Z",
  lastFailedAt: "2026-03-01T10:00:00.000Z",
  occurrences: 1,
  replayAttempts: 0,
};

const store = {
  list: async (consumer: string | undefined) => ({
    items: consumer && consumer !== failure.consumer ? [] : [failure],
  }),
  count: async () => ({ "audit-trail": 1 }),
} as unknown as StreamFailureStore;

const handler = streamRouterHandler([], () => ({
  cityId: "riverside",
  failures: store,
  now: () => new Date(),
}));
const context = {
  awsRequestId: "r",
  functionName: "streams-router",
  getRemainingTimeInMillis: () => 60_000,
} as Context;

describe("the stream router's commands", () => {
  it("lists stored failures without their records, with what waits per consumer", async () => {
    const result = await handler({ action: "list" }, context);
    expect(result).toEqual({
      failures: [{ ...failure, record: undefined }].map(({ record: _r, ...rest }) => rest),
      waiting: { "audit-trail": 1 },
    });
  });

  it("refuses anything that is neither a stream batch nor a command, saying what it takes", async () => {
    for (const event of [{ action: "drop-table" }, { action: "replay", limit: 0 }, { nothing: true }]) {
      await expect(handler(event as unknown as RouterCommand, context)).rejects.toThrow(
        /send \{"action":"list"\} or \{"action":"replay"\}/,
      );
    }
  });
});

describe("the stream router's log lines", () => {
  it("carry the request id, the function, the city, the cold-start flag and the consumer's name", async () => {
    const logging = streamRouterHandler(
      [
        {
          entry: {
            name: "audit-trail",
            router: "streams-router",
            handler: "a.ts",
            batchSize: 10,
            maxRetries: 0,
          },
          handler: async () => {
            log.info("consumer ran");
            return { batchItemFailures: [] };
          },
        },
      ],
      () => ({ cityId: "riverside", failures: store, now: () => new Date() }),
    );
    const written: string[] = [];
    const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk: unknown) => {
      written.push(String(chunk));
      return true;
    });
    try {
      await logging(
        {
          Records: [
            {
              eventID: "e1",
              eventName: "INSERT",
              dynamodb: {
                SequenceNumber: "1",
                Keys: { pk: { S: "MEMBER#m" }, sk: { S: "PROFILE" } },
                NewImage: { entity: { S: "Member" } },
              },
            },
          ],
        },
        context,
      );
    } finally {
      out.mockRestore();
    }
    const lines = written.flatMap((c) => c.split("\n").filter(Boolean)).map((l) => JSON.parse(l));
    expect(lines.find((l) => l.message === "consumer ran")).toMatchObject({
      requestId: "r",
      function: "streams-router",
      city: "riverside",
      coldStart: expect.any(Boolean),
      consumer: "audit-trail",
    });
  });
});
