import type { ScheduledEvent } from "aws-lambda";
import { productionDeps } from "#data/deps.ts";
import { nudgeDormantMembers } from "#domain/matching/dormant.ts";
import { log } from "#shared/logger.ts";

/** Weekly: one concrete, nearby suggestion for each member who has never exchanged. */
export async function handler(_event: ScheduledEvent): Promise<void> {
  log.info("dormant members nudged", await nudgeDormantMembers(productionDeps()));
}
