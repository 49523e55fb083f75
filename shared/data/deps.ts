import { monotonicFactory } from "ulid";
import { resetRuntimeConfig, runtimeConfig } from "../config/runtime.ts";
import { systemClock } from "../domain/clock.ts";
import type { Deps } from "../domain/ports.ts";
import { DynamoAuditRepository } from "./audit-repository.ts";
import { createDocumentClient } from "./client.ts";
import { DynamoDeliveryRepository } from "./delivery-repository.ts";
import { DynamoInboxRepository } from "./inbox-repository.ts";
import { DynamoMemberRepository } from "./member-repository.ts";
import { DynamoStatsRepository } from "./stats-repository.ts";

let cached: Deps | undefined;

/** The production dependency set, built once per process from the runtime configuration. */
export function productionDeps(): Deps {
  if (cached) return cached;
  const config = runtimeConfig();
  const db = createDocumentClient(config.endpoint);
  const ulid = monotonicFactory();
  cached = {
    city: config.city,
    clock: systemClock,
    ids: { next: () => ulid() },
    members: new DynamoMemberRepository(db, config.tableName),
    audit: new DynamoAuditRepository(db, config.tableName),
    stats: new DynamoStatsRepository(db, config.tableName),
    inbox: new DynamoInboxRepository(db, config.tableName),
    deliveries: new DynamoDeliveryRepository(db, config.tableName),
    // -- posts --
    // -- exchanges and ledger --
  };
  return cached;
}

/** Forgets the cached dependencies and configuration (the local runtime restarting on another store). */
export function resetProductionDeps(): void {
  cached = undefined;
  resetRuntimeConfig();
}
