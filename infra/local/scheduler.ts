import type { ScheduledEvent } from "aws-lambda";
import { DEFAULT_SCHEDULE_TIMEOUT_SECONDS, functionName, type ScheduleEntry } from "../manifest.ts";
import { loadHandler } from "./handlers.ts";
import { lambdaContext } from "./lambda-context.ts";

/** The EventBridge event a rate rule delivers (`detail` is empty; an operator's run says `manual`). */
export function scheduledEvent(
  entry: ScheduleEntry,
  time = new Date(),
  detail: { manual?: true } = {},
): ScheduledEvent {
  return {
    version: "0",
    id: `${entry.name}-${time.getTime()}`,
    "detail-type": "Scheduled Event",
    source: "aws.events",
    account: "000000000000",
    time: time.toISOString(),
    region: "local",
    resources: [`arn:aws:events:local:000000000000:rule/${entry.name}`],
    detail,
  };
}

/**
 * Runs one scheduled handler now, as EventBridge would, with the function's timeout as its time.
 * `manual`: an operator asked for this run (a job that works in passes starts a new one).
 */
export async function runSchedule(entry: ScheduleEntry, options: { manual?: boolean } = {}): Promise<void> {
  const handler = await loadHandler(entry.handler);
  const timeoutMs = (entry.timeoutSeconds ?? DEFAULT_SCHEDULE_TIMEOUT_SECONDS) * 1000;
  await handler(
    scheduledEvent(entry, new Date(), options.manual ? { manual: true } : {}),
    lambdaContext(functionName(entry.handler), timeoutMs),
  );
}

/**
 * Runs each schedule every `everyMinutes`; a failing run is logged and the next one still happens.
 * `stop` clears the timers and waits for the runs in flight, so none is cut off mid-way.
 */
export function startScheduler(entries: readonly ScheduleEntry[]): { stop(): Promise<void> } {
  const inFlight = new Set<Promise<void>>();
  const timers = entries.map((entry) =>
    setInterval(() => {
      const run = runSchedule(entry).catch((error: unknown) =>
        console.error(`schedule ${entry.name} failed`, error),
      );
      inFlight.add(run);
      void run.finally(() => inFlight.delete(run));
    }, entry.everyMinutes * 60_000),
  );
  return {
    stop: async () => {
      for (const timer of timers) clearInterval(timer);
      await Promise.all(inFlight);
    },
  };
}
