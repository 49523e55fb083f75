import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Deps } from "#domain/deps.ts";
import { DynamoActivityRepository } from "./activity-repository.ts";
import { DynamoExchangeRepository } from "./exchange-repository.ts";
import { DynamoLedgerReportRepository } from "./ledger-report-repository.ts";
import { DynamoLedgerRepository } from "./ledger-repository.ts";
import { DynamoRedemptionRequestRepository } from "./redemption-request-repository.ts";

export type LedgerDeps = Pick<
  Deps,
  "ledger" | "exchanges" | "activities" | "ledgerReports" | "redemptionRequests"
>;

/** The exchange and ledger repositories on one document client (tests pass one with injected faults). */
export function ledgerRepositories(db: DynamoDBDocumentClient, tableName: string): LedgerDeps {
  return {
    ledger: new DynamoLedgerRepository(db, tableName),
    exchanges: new DynamoExchangeRepository(db, tableName),
    activities: new DynamoActivityRepository(db, tableName),
    ledgerReports: new DynamoLedgerReportRepository(db, tableName),
    redemptionRequests: new DynamoRedemptionRequestRepository(db, tableName),
  };
}
