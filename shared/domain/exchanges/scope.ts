import { coordinatesArea, type Member } from "#domain/membership/member.ts";
import type { Exchange } from "./exchange.ts";

/**
 * The areas an exchange belongs to: its own (the receiver's, unless the proposer named one) and
 * every party's, each once. Coordinators of any of them look after it: they are told of its
 * dispute, find it in their queue and may see it; admins everywhere.
 */
export function exchangeAreas(exchange: Pick<Exchange, "area" | "parties">): string[] {
  return [...new Set([exchange.area, ...exchange.parties.map((p) => p.area)])];
}

/** Whether a coordinator's (or admin's) scope reaches an exchange: any of its areas. */
export function coordinatesExchange(actor: Member, exchange: Pick<Exchange, "area" | "parties">): boolean {
  return exchangeAreas(exchange).some((area) => coordinatesArea(actor, area));
}
