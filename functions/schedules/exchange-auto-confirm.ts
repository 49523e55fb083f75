import type { ScheduledEvent } from "aws-lambda";
import { productionDeps } from "#data/deps.ts";
import { autoConfirmExchanges } from "#domain/exchanges/auto-confirm.ts";
import { log } from "#shared/logger.ts";

/** Settles exchanges completed more than 14 days ago that nobody confirmed or disputed. */
export async function handler(_event: ScheduledEvent): Promise<void> {
  const { settled, failed } = await autoConfirmExchanges(productionDeps());
  if (failed.length > 0) log.warn("exchanges could not be auto-confirmed", { failed });
  log.info("exchanges auto-confirmed", { settled: settled.length, failed: failed.length });
}
