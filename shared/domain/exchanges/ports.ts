import type { Page, PageRequest } from "#domain/kernel/paging.ts";
import type { IdempotencyRecord } from "#domain/ledger/idempotency.ts";
import type { InboxDelivery } from "#domain/notices/inbox.ts";
import type { Exchange, ExchangeStatus } from "./exchange.ts";

export interface ExchangeRepository {
  /**
   * Stores a new exchange, its party pointers and the notices of its proposal in one transaction.
   * @throws ConflictError when the id is taken.
   */
  create(exchange: Exchange, notices?: readonly InboxDelivery[]): Promise<void>;
  get(exchangeId: string): Promise<Exchange | undefined>;
  getMany(exchangeIds: readonly string[]): Promise<Map<string, Exchange>>;
  /**
   * Replaces the exchange if its version is still `expectedVersion`, with the idempotency record
   * (if any) and the notices of the change in the same transaction.
   * @returns "stale" when it changed meanwhile; "idempotency-exists" when the key was used first.
   */
  update(
    next: Exchange,
    expectedVersion: number,
    idempotency: IdempotencyRecord | undefined,
    notices?: readonly InboxDelivery[],
  ): Promise<"updated" | "stale" | "idempotency-exists">;
  /** The member's exchanges, newest first. */
  listForParty(memberId: string, page: PageRequest): Promise<Page<Exchange>>;
  /**
   * Puts the exchange in the queue of each of its areas (exchangeAreas) under its current status,
   * unless a later version is already there (idempotent: the stream may deliver a change twice).
   */
  saveQueueEntries(exchange: Exchange, areas: readonly string[]): Promise<void>;
  /** Exchanges in a status in one area's queue, oldest in that status first. */
  listQueue(status: ExchangeStatus, area: string, page: PageRequest): Promise<Page<Exchange>>;
  /** Exchanges in a status city-wide, oldest in that status first. */
  listByStatus(status: ExchangeStatus, page: PageRequest): Promise<Page<Exchange>>;
  /** Exchange ids in a status, oldest in it first, that entered it before `before` (ISO time). */
  listIdsByStatus(
    status: ExchangeStatus,
    before: string | undefined,
    page: PageRequest,
  ): Promise<Page<string>>;
}

export interface ExchangesPorts {
  exchanges: ExchangeRepository;
}
