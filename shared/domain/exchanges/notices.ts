import type { Deps } from "#domain/deps.ts";
import { minutesText } from "#domain/kernel/words.ts";
import type { InboxDelivery } from "#domain/notices/inbox.ts";
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
  | "resolved";

/** Who caused the event: a party (or someone acting for them), a coordinator, or the schedule. */
export type ExchangeEventBy = { party: string } | { coordinatorName: string } | "system";

const TITLE_MAX = 200;
const BODY_MAX = 2000;

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

function text(
  exchange: Exchange,
  event: ExchangeEvent,
  by: ExchangeEventBy,
  category: string,
): { title: string; body: string } {
  const who = by === "system" ? "Mutua" : "party" in by ? nameOf(exchange, by.party) : by.coordinatorName;
  const what = exchange.description ? `"${exchange.description}"` : category;
  const minutes = minutesOf(exchange);
  const reason = exchange.statusReason ? ` Reason: ${exchange.statusReason}` : "";
  switch (event) {
    case "proposed":
      return {
        title: `${who} proposes an exchange: ${what}`,
        body: `${who} proposes ${minutesText(minutes)} of ${category}. Accept or decline it.`,
      };
    case "accepted":
      return exchange.status === "accepted"
        ? {
            title: `${who} accepted the exchange: ${what}`,
            body: "Everyone has agreed. When the time has been given, the provider logs the minutes.",
          }
        : {
            title: `${who} accepted the exchange: ${what}`,
            body: "Others still have to answer before it goes ahead.",
          };
    case "completed":
      if (exchange.status === "accepted") {
        // One of several providers recorded their own minutes; the others have yet to.
        const own = exchange.legs
          .filter((leg) => typeof by === "object" && "party" in by && leg.providerId === by.party)
          .reduce((sum, leg) => sum + (leg.actualMinutes ?? 0), 0);
        return {
          title: `${who} logged ${own} minutes: ${what}`,
          body: "The other providers still have to log theirs before you confirm.",
        };
      }
      return {
        title: `${who} logged ${minutesText(minutes)}: ${what}`,
        body: `Confirm the time logged to settle the exchange, or dispute it. Unanswered, it is confirmed after 14 days.`,
      };
    case "confirmed":
      return {
        title: `${who} confirmed the minutes: ${what}`,
        body: "Others still have to confirm before the minutes move.",
      };
    case "settled":
      return by === "system"
        ? {
            title: `Exchange settled automatically: ${what}`,
            body: `Nobody confirmed or disputed it within 14 days, so it was settled: ${minutesText(minutes)} moved on the ledger.`,
          }
        : {
            title: `${who} confirmed; the exchange is settled: ${what}`,
            body: `${minutesText(minutes)} moved on the ledger. Your statement shows it.`,
          };
    case "declined":
      return { title: `${who} declined the exchange: ${what}`, body: `Nothing was agreed.${reason}` };
    case "cancelled":
      return { title: `${who} cancelled the exchange: ${what}`, body: `Nothing moves.${reason}` };
    case "disputed":
      return {
        title: `${who} disputed the exchange: ${what}`,
        body: `A coordinator will help settle it. Reason: ${exchange.dispute?.reason ?? "none given"}`,
      };
    case "resolved": {
      const decision = exchange.resolution?.decision;
      const outcome =
        decision === "cancel"
          ? "cancelled it, so nothing moves"
          : decision === "adjust"
            ? `settled it at ${minutesText(minutes)}`
            : `settled it as logged, ${minutesText(minutes)}`;
      const why = exchange.resolution?.reason ? ` Reason: ${exchange.resolution.reason}` : "";
      return { title: `${who} resolved the exchange: ${what}`, body: `${who} ${outcome}.${why}` };
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
  const category = deps.city.skills.find((s) => s.id === exchange.category)?.name ?? exchange.category;
  const forOthers = text(exchange, event, by, category);
  const actor = typeof by === "object" && "party" in by ? by.party : undefined;
  const createdAt = deps.clock.now().toISOString();
  return recipients(exchange, event, by).map((party) => {
    const { title, body } = party.memberId === actor ? receipt(exchange, category) : forOthers;
    return {
      notification: {
        notificationId: deps.ids.next(),
        memberId: party.memberId,
        kind: `exchange-${event}` as const,
        title: title.slice(0, TITLE_MAX),
        body: body.slice(0, BODY_MAX),
        link: `/exchanges/${exchange.exchangeId}`,
        createdAt,
      },
      dedupeKey: `exchange#${exchange.exchangeId}#${exchange.version}`,
    };
  });
}

/** What the party whose own step it was reads (only a settlement tells them): a receipt. */
function receipt(exchange: Exchange, category: string): { title: string; body: string } {
  const what = exchange.description ? `"${exchange.description}"` : category;
  return {
    title: `The exchange is settled: ${what}`,
    body: `${minutesText(minutesOf(exchange))} moved on the ledger. Your statement shows them.`,
  };
}
