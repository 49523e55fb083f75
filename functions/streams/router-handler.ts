import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import { productionFailureStore } from "../../shared/data/stream-failure-repository.ts";
import { invocationFields, withLogContext } from "../../shared/logger.ts";
import type { StreamFailure } from "../../shared/stream-failures.ts";
import * as z from "../../shared/zod.ts";
import { type ReplayReport, replayFailures } from "./replay.ts";
import { type RoutedConsumer, type RouterDeps, type RouterOptions, routeBatch } from "./router.ts";

/**
 * What an operator may ask the router function for (with `aws lambda invoke`, deploy rights
 * needed): the stored failures, or a replay of them after a fix.
 */
const commandSchema = z.discriminatedUnion("action", [
  z.strictObject({
    action: z.literal("list"),
    consumer: z.optional(z.string()),
    limit: z.optional(z.int().check(z.gte(1), z.lte(200))),
  }),
  z.strictObject({
    action: z.literal("replay"),
    consumer: z.optional(z.string()),
    limit: z.optional(z.int().check(z.gte(1), z.lte(10_000))),
  }),
]);
export type RouterCommand = z.infer<typeof commandSchema>;

/** A stored failure without its record, for listing. */
export type FailureSummary = Omit<StreamFailure, "record">;

function isStreamEvent(event: unknown): event is DynamoDBStreamEvent {
  return (
    typeof event === "object" && event !== null && Array.isArray((event as { Records?: unknown }).Records)
  );
}

/** Lists stored failures (newest error included, records left out) and how many wait per consumer. */
export async function listFailures(
  deps: RouterDeps,
  consumer: string | undefined,
  limit = 50,
): Promise<{ failures: FailureSummary[]; waiting: Record<string, number> }> {
  const page = await deps.failures.list(consumer, { limit });
  return {
    failures: page.items.map(({ record: _record, ...summary }) => summary),
    waiting: await deps.failures.count(),
  };
}

/**
 * The router function's handler: a batch of the table's stream is routed to the consumers; an
 * operator's command lists or replays stored failures, with the same consumers' code.
 */
export function streamRouterHandler(
  consumers: readonly RoutedConsumer[],
  makeDeps: () => RouterDeps = () => ({ ...productionFailureStore(), now: () => new Date() }),
  options: RouterOptions = {},
) {
  return async (
    event: DynamoDBStreamEvent | RouterCommand,
    context: Context,
  ): Promise<
    DynamoDBBatchResponse | ReplayReport | { failures: FailureSummary[]; waiting: Record<string, number> }
  > => {
    const deps = makeDeps();
    const fields = { ...invocationFields(context), city: deps.cityId };
    return withLogContext(fields, async () => {
      if (isStreamEvent(event)) return routeBatch(consumers, event, deps, context, options);
      const parsed = z.safeParse(commandSchema, event);
      if (!parsed.success) {
        throw new Error(
          'Not a stream batch nor a command: send {"action":"list"} or {"action":"replay"}, with an optional "consumer" and "limit"',
        );
      }
      const command = parsed.data;
      if (command.action === "list") return listFailures(deps, command.consumer, command.limit);
      return replayFailures(consumers, deps, context, {
        consumer: command.consumer,
        limit: command.limit,
        ...(options.pause ? { pause: options.pause } : {}),
      });
    });
  };
}
