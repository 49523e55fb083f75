import { exchangeSchema } from "#domain/exchanges/exchange.ts";
import { bookSchema } from "#domain/ledger/books.ts";
import { matchSchema } from "./match.ts";
import type { SignalsChange } from "./ports.ts";

/** A stored item before or after a change, as the stream carries it. */
type Image = Record<string, unknown>;

/** One change to one member's signals, keyed so it counts once however often it is delivered. */
export interface SignalEvent {
  eventKey: string;
  memberId: string;
  change: SignalsChange;
}

/**
 * What a change to the table means for matching's signals (reciprocity, trust, responsiveness):
 * a ledger book's new balance; a settled or cancelled exchange for each party, with the others as
 * partners and the minutes the party gave in it; a match notice told; a match answered by its candidate. `eventKey` identifies the change.
 */
export function signalEventsOf(
  oldImage: Image | undefined,
  newImage: Image | undefined,
  eventKey: string,
): SignalEvent[] {
  if (newImage?.entity === "AccountBook") {
    const book = bookSchema.parse(newImage);
    // Last write wins per book: the key does not deduplicate it.
    return [
      {
        eventKey: "",
        memberId: book.accountId,
        change: { type: "ledger", shard: book.shard, balance: book.balance },
      },
    ];
  }
  if (!newImage || oldImage?.status === newImage.status) return [];
  if (newImage.entity === "Exchange") {
    const exchange = exchangeSchema.parse(newImage);
    if (exchange.status !== "settled" && exchange.status !== "cancelled") return [];
    const outcome = exchange.status;
    const ids = exchange.parties.map((p) => p.memberId);
    // Hours given to people: what a provider settled in exchanges, as logged (or adjusted). A
    // ledger balance also counts welcome credits, grants and awards, which nobody gave by helping.
    const givenBy = (memberId: string) =>
      outcome === "settled"
        ? exchange.legs
            .filter((leg) => leg.providerId === memberId)
            .reduce((sum, leg) => sum + (leg.actualMinutes ?? leg.agreedMinutes), 0)
        : 0;
    return ids.map((memberId) => ({
      eventKey: `${eventKey}#${memberId}`,
      memberId,
      change: {
        type: "exchange",
        outcome,
        partnerIds: ids.filter((id) => id !== memberId),
        givenMinutes: givenBy(memberId),
        ...(outcome === "settled" ? { at: exchange.statusAt } : {}),
      },
    }));
  }
  if (newImage.entity === "Match") {
    const match = matchSchema.parse(newImage);
    const events: SignalEvent[] = [];
    if (match.status === "notified")
      events.push({ eventKey, memberId: match.candidateId, change: { type: "told" } });
    const answeredByCandidate =
      (match.status === "accepted" || match.status === "declined") && match.respondedBy === match.candidateId;
    if (answeredByCandidate && oldImage?.status !== "candidate") {
      events.push({ eventKey, memberId: match.candidateId, change: { type: "answered" } });
    }
    return events;
  }
  return [];
}
