import { productionDeps } from "#data/deps.ts";
import { imagesOf } from "#data/stream.ts";
import { refreshDigestSignals } from "#domain/matching/indexing.ts";
import { signalEventsOf } from "#domain/matching/signal-events.ts";
import { streamConsumer } from "./consumer.ts";

/**
 * Keeps what matching scores reciprocity, trust and responsiveness with: ledger balances, who has
 * exchanged with whom (settled or cancelled exchanges) and how often members answer matches; and
 * the rounded signals the cell digests bound scores with.
 */
export const handler = streamConsumer("match-signals", productionDeps, async (record, deps) => {
  const { oldImage, newImage } = imagesOf(record);
  for (const event of signalEventsOf(oldImage, newImage, record.eventID ?? "")) {
    await deps.signals.apply(event.eventKey, event.memberId, event.change);
    // Also after a redelivered event: the digests may not have been refreshed the first time.
    await refreshDigestSignals(deps, event.memberId);
  }
});
