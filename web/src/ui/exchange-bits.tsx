import type { Exchange } from "../api/types.ts";
import { formatDuration } from "../i18n/format.ts";
import { t } from "../i18n/index.ts";

export function exchangeStatusText(status: Exchange["status"]): string {
  return t(`exchangeStatus.${status}`);
}

export function names(exchange: Exchange, role: "provider" | "receiver", meId: string): string {
  return exchange.parties
    .filter((p) => p.role === role)
    .map((p) => (p.memberId === meId ? t("exchange.you") : p.displayName))
    .join(", ");
}

/** The minutes agreed, or recorded once the work is done. */
export function exchangeMinutes(exchange: Exchange): string {
  const recorded = exchange.legs.every((l) => l.actualMinutes !== undefined);
  const total = exchange.legs.reduce(
    (sum, l) => sum + (recorded ? (l.actualMinutes ?? 0) : l.agreedMinutes),
    0,
  );
  return formatDuration(exchange.settledMinutes ?? total, "long");
}

/** "Chen helps you" / "You help Ben": the exchange in one line from the reader's side. */
export function exchangeLine(exchange: Exchange, meId: string): string {
  return t("exchange.line", {
    providers: names(exchange, "provider", meId),
    receivers: names(exchange, "receiver", meId),
  });
}
