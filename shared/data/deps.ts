import { monotonicFactory } from "ulid";
import type { Deps } from "#domain/deps.ts";
import { systemClock } from "#domain/kernel/clock.ts";
import { type RuntimeConfig, resetRuntimeConfig, runtimeConfig } from "#shared/config/runtime.ts";
import { DynamoAccessLogRepository } from "./access-log-repository.ts";
import { DynamoAuditRepository } from "./audit-repository.ts";
import { DynamoCheckpointRepository } from "./checkpoint-repository.ts";
import { createDocumentClient } from "./client.ts";
import { DynamoConversationRepository } from "./conversation-repository.ts";
import { DynamoDeliveryRepository } from "./delivery-repository.ts";
import { DynamoHeldNoticeRepository } from "./held-notice-repository.ts";
import { DynamoInboxRepository } from "./inbox-repository.ts";
import { ledgerRepositories } from "./ledger-deps.ts";
import {
  DynamoMatchIndexRepository,
  DynamoMatchRepository,
  DynamoMatchSignalsRepository,
} from "./match-repository.ts";
import { DynamoMemberRepository } from "./member-repository.ts";
import { DynamoPostRepository } from "./post-repository.ts";
import { DynamoSigningKeyRepository } from "./signing-key-repository.ts";
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
    deliveries: new DynamoDeliveryRepository(db, config.tableName, config.city.retention.deliveryDays),
    held: new DynamoHeldNoticeRepository(db, config.tableName),
    signingKeys: new DynamoSigningKeyRepository(db, config.tableName),
    // -- matching --
    matchIndex: new DynamoMatchIndexRepository(db, config.tableName),
    signals: new DynamoMatchSignalsRepository(db, config.tableName),
    matches: new DynamoMatchRepository(db, config.tableName),
    // -- posts --
    posts: new DynamoPostRepository(db, config.tableName),
    // -- exchanges and ledger --
    ...ledgerRepositories(db, config.tableName),
    // -- residents' data rights --
    accessLog: new DynamoAccessLogRepository(db, config.tableName),
    // -- operations --
    checkpoints: new DynamoCheckpointRepository(db, config.tableName),
    // -- conversations --
    conversations: new DynamoConversationRepository(db, config.tableName),
  };
  return cached;
}

/**
 * A function's own dependencies beyond the production set (the erasure consumer's, the export
 * functions'), built on first use and again whenever the production set is rebuilt (the local
 * runtime moving to another store). Only the functions that import the builder carry its code.
 */
export function extendedDeps<T extends { members: unknown }>(
  extend: (base: Deps, config: RuntimeConfig) => T,
): () => T {
  let cached: T | undefined;
  return () => {
    const base = productionDeps();
    if (!cached || cached.members !== base.members) cached = extend(base, runtimeConfig());
    return cached;
  };
}

/** Forgets the cached dependencies and configuration (the local runtime restarting on another store). */
export function resetProductionDeps(): void {
  cached = undefined;
  resetRuntimeConfig();
}
