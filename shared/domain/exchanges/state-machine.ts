import { ForbiddenError, RuleViolationError, ValidationError } from "#domain/kernel/errors.ts";
import { withArticle } from "#domain/kernel/words.ts";
import {
  counterparts,
  type Exchange,
  type ExchangeLeg,
  type ExchangeStatus,
  providers,
  receivers,
} from "./exchange.ts";
import type { Transition } from "./requests.ts";

// The pure rules of an exchange's life: who may take which step from which status, and what
// state it leads to. No storage, no clock: the use-cases read, apply and write.

export function wrongState(exchange: Exchange, action: string): RuleViolationError {
  return new RuleViolationError(`${withArticle(exchange.status, true)} exchange cannot be ${action}`);
}

/**
 * Minutes per leg from a completion or an adjustment: `minutes` for all, `legs` overriding per
 * counterpart on the group's many side.
 * @throws ValidationError naming the field.
 */
export function minutesPerLeg(
  exchange: Exchange,
  body: { minutes?: number | undefined; legs?: { memberId: string; minutes: number }[] | undefined },
): ExchangeLeg[] {
  const many = providers(exchange).length > 1 ? "providerId" : "receiverId";
  const overrides = new Map<string, number>();
  body.legs?.forEach((leg, index) => {
    if (!exchange.legs.some((l) => l[many] === leg.memberId) || overrides.has(leg.memberId)) {
      throw new ValidationError("Unknown or repeated member in legs", [
        { path: `legs.${index}.memberId`, message: "Not a counterpart in this exchange, or listed twice" },
      ]);
    }
    overrides.set(leg.memberId, leg.minutes);
  });
  return exchange.legs.map((leg) => {
    const minutes = overrides.get(leg[many]) ?? body.minutes;
    if (minutes === undefined) {
      throw new ValidationError("Minutes are required", [
        { path: "minutes", message: "Give the minutes for every pair, or per member in legs" },
      ]);
    }
    return { ...leg, actualMinutes: minutes };
  });
}

/**
 * In a group of several providers, one provider's record of their own minutes.
 * @throws ForbiddenError when they name another provider; RuleViolationError when they have
 * recorded theirs already; ValidationError without minutes.
 */
function ownLegRecorded(
  exchange: Exchange,
  providerId: string,
  body: { minutes?: number | undefined; legs?: { memberId: string; minutes: number }[] | undefined },
): ExchangeLeg[] {
  body.legs?.forEach((leg, index) => {
    if (leg.memberId !== providerId) {
      throw new ForbiddenError("Each provider records only their own minutes", [
        { path: `legs.${index}.memberId`, message: "Another provider records their own minutes" },
      ]);
    }
  });
  if (exchange.legs.some((leg) => leg.providerId === providerId && leg.actualMinutes !== undefined)) {
    throw new RuleViolationError("You have already recorded your minutes; dispute them to change them");
  }
  const minutes = body.legs?.[0]?.minutes ?? body.minutes;
  if (minutes === undefined) {
    throw new ValidationError("Minutes are required", [
      { path: "minutes", message: "Give the minutes you gave" },
    ]);
  }
  return exchange.legs.map((leg) =>
    leg.providerId === providerId ? { ...leg, actualMinutes: minutes } : leg,
  );
}

/**
 * Applies a party's transition to an exchange (pure).
 * @returns the next state, and whether it must be settled on the ledger now.
 * @throws ForbiddenError when the member's role does not allow the action; RuleViolationError when
 * the status does not; ValidationError for bad minutes.
 */
export function applyTransition(
  exchange: Exchange,
  memberId: string,
  transition: Transition,
  at: string,
  actorId: string,
): { next: Exchange; settle: boolean } {
  const base = { updatedAt: at, updatedBy: actorId, version: exchange.version + 1 };
  const moved = (status: ExchangeStatus, changes: Partial<Exchange> = {}): Exchange => ({
    ...exchange,
    ...changes,
    ...base,
    status,
    statusAt: status === exchange.status ? exchange.statusAt : at,
  });
  const party = exchange.parties.find((p) => p.memberId === memberId);
  if (!party) throw new ForbiddenError("Only the parties to an exchange can do this");
  switch (transition.action) {
    case "accept": {
      if (exchange.status !== "proposed") throw wrongState(exchange, "accepted");
      const waiting = counterparts(exchange).map((p) => p.memberId);
      if (!waiting.includes(memberId)) throw new ForbiddenError("The proposer's side does not accept");
      if (exchange.acceptedBy.includes(memberId)) throw new RuleViolationError("You have already accepted");
      const acceptedBy = [...exchange.acceptedBy, memberId];
      const all = waiting.every((id) => acceptedBy.includes(id));
      return { next: moved(all ? "accepted" : "proposed", { acceptedBy }), settle: false };
    }
    case "decline": {
      if (exchange.status !== "proposed") throw wrongState(exchange, "declined");
      if (!counterparts(exchange).some((p) => p.memberId === memberId)) {
        throw new ForbiddenError("The proposer cancels rather than declines");
      }
      return {
        next: moved("declined", transition.reason ? { statusReason: transition.reason } : {}),
        settle: false,
      };
    }
    case "cancel": {
      if (exchange.status !== "proposed" && exchange.status !== "accepted") {
        throw wrongState(exchange, "cancelled");
      }
      if (exchange.legs.some((leg) => leg.actualMinutes !== undefined)) {
        throw new RuleViolationError("Time has been given and recorded: dispute the exchange instead");
      }
      return {
        next: moved("cancelled", transition.reason ? { statusReason: transition.reason } : {}),
        settle: false,
      };
    }
    case "complete": {
      if (exchange.status !== "accepted") throw wrongState(exchange, "completed");
      if (party.role !== "provider") throw new ForbiddenError("The provider logs the minutes given");
      if (providers(exchange).length > 1) {
        // Several providers: each records their own leg; it completes when every leg has been.
        const legs = ownLegRecorded(exchange, memberId, transition);
        const all = legs.every((leg) => leg.actualMinutes !== undefined);
        return { next: moved(all ? "completed" : "accepted", { legs }), settle: false };
      }
      return { next: moved("completed", { legs: minutesPerLeg(exchange, transition) }), settle: false };
    }
    case "confirm": {
      if (exchange.status !== "completed") throw wrongState(exchange, "confirmed");
      if (party.role !== "receiver") throw new ForbiddenError("The receiver confirms the minutes");
      if (exchange.confirmedBy.includes(memberId)) throw new RuleViolationError("You have already confirmed");
      const confirmedBy = [...exchange.confirmedBy, memberId];
      const all = receivers(exchange).every((p) => confirmedBy.includes(p.memberId));
      return all
        ? { next: settledState(moved("settled", { confirmedBy })), settle: true }
        : { next: moved("completed", { confirmedBy }), settle: false };
    }
    case "dispute": {
      if (exchange.status !== "accepted" && exchange.status !== "completed") {
        throw wrongState(exchange, "disputed");
      }
      return {
        next: moved("disputed", { dispute: { by: memberId, reason: transition.reason, at } }),
        settle: false,
      };
    }
  }
}

/** The settled state's ledger fields: the transfer id and the minutes settled. */
export function settledState(next: Exchange): Exchange {
  return {
    ...next,
    transferId: `X-${next.exchangeId}`,
    settledMinutes: next.legs.reduce((sum, l) => sum + (l.actualMinutes ?? l.agreedMinutes), 0),
  };
}
