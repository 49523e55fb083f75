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

/** Sends the transaction; the cancellation when the store cancelled it, nothing when it went through. */
async function cancellationOf(
  db: TransactionSender,
  items: TransactItems,
): Promise<TransactionCanceledException | undefined> {
  try {
    await db.send(new TransactWriteCommand({ TransactItems: items }));
    return undefined;
  } catch (error) {
    if (error instanceof TransactionCanceledException) return error;
    throw error;
  }
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
  const cancelled = await cancellationOf(db, items);
  if (cancelled) throw new ConflictError(message, undefined, { cause: cancelled });
}

/**
 * Writes the items as one guarded transaction whose refusal is an answer, not an error (the item it
 * creates exists already, the state it changes moved on): true when written, false when refused.
 * `refused` says which cancellations are that answer, from their codes (one per item); every one by default.
 * @throws TransactionCanceledException for a cancellation `refused` does not accept, to be retried.
 */
export async function transactUnlessRefused(
  db: TransactionSender,
  items: TransactItems,
  refused: (codes: string[]) => boolean = () => true,
): Promise<boolean> {
  const cancelled = await cancellationOf(db, items);
  if (!cancelled) return true;
  if (refused(cancellationCodes(cancelled))) return false;
  throw cancelled;
}

/** The first item's condition failed: the item a create-only transaction makes exists already. */
export const firstItemExists = (codes: string[]): boolean => codes[0] === "ConditionalCheckFailed";
