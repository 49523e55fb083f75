import type { ScheduledEvent } from "aws-lambda";
import { functionName, type ScheduleEntry } from "../manifest.ts";
import { loadHandler } from "./handlers.ts";
import { lambdaContext } from "./lambda-context.ts";

/** The EventBridge event a rate rule delivers. */
export function scheduledEvent(entry: ScheduleEntry, time = new Date()): ScheduledEvent {
  return {
    version: "0",
    id: `${entry.name}-${time.getTime()}`,
    "detail-type": "Scheduled Event",
    source: "aws.events",
    account: "000000000000",
    time: time.toISOString(),
    region: "local",
    resources: [`arn:aws:events:local:000000000000:rule/${entry.name}`],
    detail: {},
  };
}

/** Runs one scheduled handler now, as EventBridge would. */
export async function runSchedule(entry: ScheduleEntry): Promise<void> {
  const handler = await loadHandler(entry.handler);
  await handler(scheduledEvent(entry), lambdaContext(functionName(entry.handler)));
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
