import type { ConversationsPorts } from "#domain/conversations/ports.ts";
import type { ExchangesPorts } from "#domain/exchanges/ports.ts";
import type { Clock, IdGenerator } from "#domain/kernel/clock.ts";
import type { PassesPorts } from "#domain/kernel/passes.ts";
import type { LedgerPorts } from "#domain/ledger/ports.ts";
import type { MatchingPorts } from "#domain/matching/ports.ts";
import type { MembershipPorts } from "#domain/membership/ports.ts";
import type { NoticesPorts } from "#domain/notices/ports.ts";
import type { PostsPorts } from "#domain/posts/ports.ts";
import type { City } from "#shared/config/city.ts";

/** What every feature may depend on besides its own ports: the city, the time and fresh ids. */
export interface KernelDeps {
  city: City;
  clock: Clock;
  ids: IdGenerator;
}

/**
 * What every use-case may depend on: the union of the features' port sets (each feature declares
 * its own in its ports.ts, which imports nothing that imports this file, so no import cycle).
 * Tests pass their own; handlers get the production set (shared/data/deps.ts).
 */
export interface Deps
  extends KernelDeps,
    MembershipPorts,
    NoticesPorts,
    MatchingPorts,
    PostsPorts,
    ExchangesPorts,
    LedgerPorts,
    PassesPorts,
    ConversationsPorts {}
