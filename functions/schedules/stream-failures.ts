import { productionFailureStore } from "../../shared/data/stream-failure-repository.ts";
import { log } from "../../shared/logger.ts";
import { emitMetrics, OPERATIONS_NAMESPACE } from "../../shared/metrics.ts";
import { scheduledJob } from "./job.ts";

/** The metric the "stream failures waiting" alarm watches: records in the failure store now. */
export const STREAM_FAILURES_WAITING_METRIC = "StreamFailuresWaiting";

/**
 * Hourly: counts the stream records waiting in the failure store for a replay and reports the
 * count (zero included) as a metric, so the alarm stays raised for as long as anything waits, and
 * a log line naming the consumers. Reads only.
 */
export const handler = scheduledJob("stream-failures", async ({ deps }) => {
  const waiting = await productionFailureStore().failures.count();
  const total = Object.values(waiting).reduce((sum, n) => sum + n, 0);
  emitMetrics(OPERATIONS_NAMESPACE, { City: deps.city.id }, { [STREAM_FAILURES_WAITING_METRIC]: total });
  if (total > 0) log.warn("stream records wait in the failure store for a replay", { total, waiting });
  else log.info("no stream records wait in the failure store", { total });
});
