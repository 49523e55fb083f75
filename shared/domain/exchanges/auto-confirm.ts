import { AUTO_CONFIRM_DAYS, changedBy, receivers } from "./exchange.ts";
import { exchangeNotices } from "./notices.ts";
import { settledState } from "./state-machine.ts";
import { type ExchangeDeps, settle } from "./use-cases.ts";

/**
 * Confirms every exchange completed more than 14 days ago that nobody confirmed or disputed.
 * One failure (say, a receiver at their credit limit) does not stop the others.
 */
export async function autoConfirmExchanges(
  deps: ExchangeDeps,
): Promise<{ settled: string[]; failed: { exchangeId: string; reason: string }[] }> {
  const now = deps.clock.now();
  const cutoff = new Date(now.getTime() - AUTO_CONFIRM_DAYS * 24 * 3600 * 1000).toISOString();
  const settled: string[] = [];
  const failed: { exchangeId: string; reason: string }[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.exchanges.listIdsByStatus("completed", cutoff, { limit: 50, cursor });
    for (const exchangeId of page.items) {
      try {
        const exchange = await deps.exchanges.get(exchangeId);
        if (exchange?.status !== "completed" || exchange.statusAt > cutoff) continue;
        const at = deps.clock.now().toISOString();
        const next = settledState(
          changedBy(
            {
              ...exchange,
              status: "settled",
              confirmedBy: receivers(exchange).map((p) => p.memberId),
              resolution: { by: "system", decision: "auto-confirm", at },
              updatedAt: at,
              statusAt: at,
              version: exchange.version + 1,
            },
            "system",
          ),
        );
        const notices = exchangeNotices(deps, next, "settled", "system");
        await settle(deps, exchange, next, "system", undefined, () => undefined, notices);
        settled.push(exchangeId);
      } catch (error) {
        failed.push({ exchangeId, reason: error instanceof Error ? error.message : String(error) });
      }
    }
    cursor = page.nextCursor;
  } while (cursor);
  return { settled, failed };
}
