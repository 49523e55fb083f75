import { autoConfirmExchanges } from "#domain/exchanges/auto-confirm.ts";
import { log } from "../../shared/logger.ts";
import { scheduledJob } from "./job.ts";

/** Settles exchanges completed more than 14 days ago that nobody confirmed or disputed. */
export const handler = scheduledJob("exchange-auto-confirm", async ({ deps }) => {
  const { settled, failed } = await autoConfirmExchanges(deps);
  if (failed.length > 0) log.warn("exchanges could not be auto-confirmed", { failed });
  log.info("exchanges auto-confirmed", { settled: settled.length, failed: failed.length });
});
