import type { TransactionCanceledException } from "@aws-sdk/client-dynamodb";

/**
 * The codes of a cancelled transaction, one per item ("None" where that item was fine). A module of
 * its own so a repository that needs only this does not bundle another feature's repository.
 */
export function cancellationCodes(error: TransactionCanceledException): string[] {
  return (error.CancellationReasons ?? []).map((r) => r.Code ?? "None");
}
