import type { Context } from "aws-lambda";
import { describe, expect, it, vi } from "vitest";
import { lambdaContext } from "../../../infra/local/lambda-context.ts";

/** A fresh copy of the logger module, as a new Lambda execution environment loads it. */
async function freshLogger() {
  vi.resetModules();
  return import("../../../shared/logger.ts");
}

/** The JSON lines written to stdout while `fn` runs. */
async function linesOf(fn: () => Promise<unknown> | unknown): Promise<Record<string, unknown>[]> {
  const written: string[] = [];
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk: unknown) => {
    written.push(String(chunk));
    return true;
  });
  try {
    await fn();
  } finally {
    out.mockRestore();
  }
  return written.flatMap((chunk) => chunk.split("\n").filter(Boolean)).map((line) => JSON.parse(line));
}

describe("invocation log fields", () => {
  it("name the request and the function, and mark only the first invocation of a process as a cold start", async () => {
    const { invocationFields } = await freshLogger();
    const first: Context = lambdaContext("http-posts");
    const second: Context = lambdaContext("http-posts");
    expect(invocationFields(first)).toEqual({
      requestId: first.awsRequestId,
      function: "http-posts",
      coldStart: true,
    });
    expect(invocationFields(second)).toEqual({
      requestId: second.awsRequestId,
      function: "http-posts",
      coldStart: false,
    });
  });

  it("are on every line written inside the invocation, and on none outside it", async () => {
    const { invocationFields, log, withLogContext } = await freshLogger();
    const context = lambdaContext("schedules-city-stats");
    const lines = await linesOf(async () => {
      await withLogContext({ ...invocationFields(context), city: "riverside" }, async () => {
        log.info("one");
        await Promise.resolve();
        log.warn("two", { extra: 1 });
      });
      log.info("after");
    });
    expect(lines.map((l) => [l.message, l.requestId, l.city, l.coldStart])).toEqual([
      ["one", context.awsRequestId, "riverside", true],
      ["two", context.awsRequestId, "riverside", true],
      ["after", undefined, undefined, undefined],
    ]);
  });
});
