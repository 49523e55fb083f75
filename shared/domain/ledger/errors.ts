import { ConflictError, DomainError, type FieldIssue } from "#domain/kernel/errors.ts";

/**
 * A transfer, limit change or rebalance would take a balance below its credit limit or above its
 * maximum balance. Answered 422 with the stable code `LIMIT_EXCEEDED`; nothing was written.
 */
export class LimitExceededError extends DomainError {
  readonly code = "LIMIT_EXCEEDED";
  /** The account whose limit would be crossed, and which limit. */
  readonly accountId: string;
  readonly limit: "credit-limit" | "max-balance";
  /** The book (shard) that refused; undefined when the whole account refused. */
  readonly shard: number | undefined;
  constructor(
    message: string,
    where: { accountId: string; limit: "credit-limit" | "max-balance"; shard?: number },
    details?: FieldIssue[],
  ) {
    super(message, details);
    this.accountId = where.accountId;
    this.limit = where.limit;
    this.shard = where.shard;
  }
}

/**
 * A transfer would move an account that is frozen: its member is suspended or has closed the
 * account. Every book update of a posting is conditioned on its book not being frozen, so this
 * holds in DynamoDB itself, whatever runs concurrently. 422, `ACCOUNT_FROZEN`; nothing written.
 */
export class AccountFrozenError extends DomainError {
  readonly code = "ACCOUNT_FROZEN";
  constructor(readonly accountId: string) {
    super("An account this would move is frozen (its member is suspended or has left): nothing can move it");
  }
}

/** The same Idempotency-Key came back with a different request: 409, code `IDEMPOTENCY_KEY_REUSED`. */
export class IdempotencyKeyReusedError extends DomainError {
  readonly code = "IDEMPOTENCY_KEY_REUSED";
}

/**
 * Internal signals of the posting loop; callers turn them into replays or re-reads. They extend
 * ConflictError so that, should one ever escape, the client sees a 409 and retries.
 */
export class TransferExistsError extends ConflictError {
  constructor(readonly transferId: string) {
    super("That transfer has already been made");
  }
}

/** The idempotency record was written by a concurrent request with the same key. */
export class IdempotencyRecordExistsError extends ConflictError {}

/** A condition on something other than the ledger (the exchange's version) failed: re-read. */
export class PreconditionFailedError extends ConflictError {}
