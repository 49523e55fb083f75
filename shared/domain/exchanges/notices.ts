import type { Deps } from "#domain/deps.ts";
import type { InboxDelivery } from "#domain/notices/inbox.ts";
import { type NoticeContent, noticeContent } from "#domain/notices/kinds.ts";
import type { Exchange, ExchangeParty } from "./exchange.ts";

/**
 * What happened to an exchange, as its parties are told. `accepted` and `confirmed` with the
 * status unchanged are one member of a group answering while others have not yet.
 */
export type ExchangeEvent =
  | "proposed"
  | "accepted"
  | "completed"
  | "confirmed"
  | "settled"
  | "declined"
  | "cancelled"
  | "disputed"
  | "statement"
  | "resolved";

/** Who caused the event: a party (or someone acting for them), a coordinator, or the schedule. */
export type ExchangeEventBy = { party: string } | { coordinatorName: string } | "system";

function nameOf(exchange: Exchange, memberId: string): string {
  return exchange.parties.find((p) => p.memberId === memberId)?.displayName ?? "A member";
}

function minutesOf(exchange: Exchange): number {
  return exchange.legs.reduce((sum, leg) => sum + (leg.actualMinutes ?? leg.agreedMinutes), 0);
}

/**
 * Who hears of an event: the counterparts of a proposal; for one member's answer in a group
 * (the status did not move), the other side only; of a settlement, every party, since every
 * party's balance moves (the one who confirmed gets it as a receipt, which also tells a resident
 * a coordinator confirmed for); otherwise every party but the one who acted.
 */
function recipients(exchange: Exchange, event: ExchangeEvent, by: ExchangeEventBy): ExchangeParty[] {
  if (event === "settled") return exchange.parties;
  if (event === "proposed") {
    const proposer = exchange.parties.find((p) => p.memberId === exchange.proposedBy);
    return exchange.parties.filter((p) => p.role !== proposer?.role);
  }
  const actor = typeof by === "object" && "party" in by ? by.party : undefined;
  const partial =
    (event === "accepted" && exchange.status === "proposed") ||
    (event === "completed" && exchange.status === "accepted") ||
    (event === "confirmed" && exchange.status === "completed");
  if (partial) {
    const side = exchange.parties.find((p) => p.memberId === actor)?.role;
    return exchange.parties.filter((p) => p.role !== side);
  }
  return exchange.parties.filter((p) => p.memberId !== actor);
}

/**
 * What an event's notice says, as values: the stage picks between the messages of a kind (one
 * of a group answered while others have not; a settlement by the schedule, by a party, or the
 * receipt of the one who confirmed).
 */
function content(
  exchange: Exchange,
  event: ExchangeEvent,
  by: ExchangeEventBy,
  receipt: boolean,
): NoticeContent {
  const who = by === "system" ? "Mutua" : "party" in by ? nameOf(exchange, by.party) : by.coordinatorName;
  const base = {
    exchangeId: exchange.exchangeId,
    who,
    category: exchange.category,
    minutes: minutesOf(exchange),
    description: exchange.description,
  };
  const reason = exchange.statusReason;
  switch (event) {
    case "proposed":
      return noticeContent("exchange-proposed", base);
    case "accepted":
      return noticeContent("exchange-accepted", {
        ...base,
        stage: exchange.status === "accepted" ? "agreed" : "waiting",
      });
    case "completed": {
      if (exchange.status !== "accepted")
        return noticeContent("exchange-completed", { ...base, stage: "logged" });
      // One of several providers recorded their own minutes; the others have yet to.
      const own = exchange.legs
        .filter((leg) => typeof by === "object" && "party" in by && leg.providerId === by.party)
        .reduce((sum, leg) => sum + (leg.actualMinutes ?? 0), 0);
      return noticeContent("exchange-completed", { ...base, minutes: own, stage: "waiting" });
    }
    case "confirmed":
      return noticeContent("exchange-confirmed", base);
    case "settled":
      return noticeContent("exchange-settled", {
        ...base,
        stage: receipt ? "receipt" : by === "system" ? "auto" : "confirmed",
      });
    case "declined":
      return noticeContent("exchange-declined", { ...base, reason });
    case "cancelled":
      return noticeContent("exchange-cancelled", { ...base, reason });
    case "disputed":
      return noticeContent("exchange-disputed", { ...base, reason: exchange.dispute?.reason });
    case "statement": {
      const party = typeof by === "object" && "party" in by ? by.party : undefined;
      const statement = exchange.statements?.find((s) => s.memberId === party)?.text ?? "";
      return noticeContent("exchange-statement", { ...base, statement });
    }
    case "resolved": {
      const decision = exchange.resolution?.decision;
      return noticeContent("exchange-resolved", {
        ...base,
        decision: decision === "cancel" || decision === "adjust" ? decision : "settle",
        reason: exchange.resolution?.reason,
      });
    }
  }
}

/**
 * The inbox notices an exchange event sends, one per recipient. The dedupe key is the exchange
 * and its new version, so the same state change can never notify anyone twice, whichever way the
 * notice is written (with the change, or after it).
 */
export function exchangeNotices(
  deps: Pick<Deps, "ids" | "clock" | "city">,
  exchange: Exchange,
  event: ExchangeEvent,
  by: ExchangeEventBy,
): InboxDelivery[] {
  const actor = typeof by === "object" && "party" in by ? by.party : undefined;
  const createdAt = deps.clock.now().toISOString();
  return recipients(exchange, event, by).map((party) => ({
    notification: {
      notificationId: deps.ids.next(),
      memberId: party.memberId,
      // Only a settlement tells the party whose own step it was: their receipt.
      ...content(exchange, event, by, party.memberId === actor),
      link: `/exchanges/${exchange.exchangeId}`,
      createdAt,
    },
    dedupeKey: `exchange#${exchange.exchangeId}#${exchange.version}`,
  }));
}
