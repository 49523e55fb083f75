import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { TransactWriteCommand, type TransactWriteCommandInput } from "@aws-sdk/lib-dynamodb";
import { ConflictError } from "#domain/kernel/errors.ts";

/**
 * The codes of a cancelled transaction, one per item ("None" where that item was fine). A module of
 * its own so a repository that needs only this does not bundle another feature's repository.
 */
export function cancellationCodes(error: TransactionCanceledException): string[] {
  return (error.CancellationReasons ?? []).map((r) => r.Code ?? "None");
}

type TransactItems = NonNullable<TransactWriteCommandInput["TransactItems"]>;

/** What the helper needs of the document client (a test can stand in for it). */
export interface TransactionSender {
  send(command: TransactWriteCommand): Promise<unknown>;
}

/**
 * Writes the items as one transaction whose every cancellation means the write conflicts with what
 * is stored: an item it creates exists already, or one it changes moved on since it was read.
 * @throws ConflictError with `message` when the transaction is cancelled, the cancellation as its cause.
 */
export async function transactOrConflict(
  db: TransactionSender,
  items: TransactItems,
  message: string,
): Promise<void> {
  try {
    await db.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    if (error instanceof TransactionCanceledException)
      throw new ConflictError(message, undefined, { cause: error });
    throw error;
  }
}
