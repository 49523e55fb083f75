import type { Context, ScheduledEvent } from "aws-lambda";
import type { Deps } from "#domain/deps.ts";
import { productionDeps } from "../../shared/data/deps.ts";
import { invocationFields, withLogContext } from "../../shared/logger.ts";

/** What a scheduled job gets: the city's dependencies and how its run was asked for. */
export interface JobRun {
  deps: Deps;
  /** An operator asked for this run (`npm run schedule`, a console test event): start a new pass. */
  manual: boolean;
  /** Milliseconds left before the function's timeout. */
  remainingMs: () => number;
}

/**
 * A scheduled handler: the job runs with the invocation's log fields (request id, function, cold start,
 * city, schedule) on every line. A job that fails throws: the run is retried, then its event lands in the
 * schedules' dead-letter queue.
 */
export function scheduledJob(name: string, run: (job: JobRun) => Promise<void>) {
  return async (event: ScheduledEvent, context: Context): Promise<void> => {
    const deps = productionDeps();
    const detail = (event.detail ?? {}) as { manual?: unknown };
    const fields = {
      ...invocationFields(context),
      city: deps.city.id,
      schedule: name,
    };
    await withLogContext(fields, () =>
      run({ deps, manual: detail.manual === true, remainingMs: () => context.getRemainingTimeInMillis() }),
    );
  };
}
