import { productionDeps } from "../../shared/data/deps.ts";
import { imagesOf } from "../../shared/data/stream.ts";
import { exchangeSchema } from "../../shared/domain/exchange.ts";
import { bookSchema } from "../../shared/domain/ledger.ts";
import { matchSchema } from "../../shared/domain/matching/match.ts";
import { streamConsumer } from "./stack.ts";

/**
 * Keeps what matching scores reciprocity, trust and responsiveness with: ledger balances, who has
 * exchanged with whom (settled or cancelled exchanges) and how often members answer matches.
 */
export const handler = streamConsumer("match-signals", productionDeps, async (record, deps) => {
  const { oldImage, newImage } = imagesOf(record);
  if (newImage?.entity === "AccountBook") {
    const book = bookSchema.parse(newImage);
    await deps.signals.apply("", book.accountId, {
      type: "ledger",
      shard: book.shard,
      balance: book.balance,
      totalIn: book.totalIn,
    });
    return;
  }
  if (!newImage || oldImage?.status === newImage.status) return;
  const eventKey = record.eventID ?? "";
  if (newImage.entity === "Exchange") {
    const exchange = exchangeSchema.parse(newImage);
    if (exchange.status !== "settled" && exchange.status !== "cancelled") return;
    const ids = exchange.parties.map((p) => p.memberId);
    for (const memberId of ids) {
      await deps.signals.apply(`${eventKey}#${memberId}`, memberId, {
        type: "exchange",
        outcome: exchange.status,
        partnerIds: ids.filter((id) => id !== memberId),
      });
    }
    return;
  }
  if (newImage.entity === "Match") {
    const match = matchSchema.parse(newImage);
    if (match.status === "notified") await deps.signals.apply(eventKey, match.candidateId, { type: "told" });
    const answeredByCandidate =
      (match.status === "accepted" || match.status === "declined") && match.respondedBy === match.candidateId;
    if (answeredByCandidate && oldImage?.status !== "candidate") {
      await deps.signals.apply(eventKey, match.candidateId, { type: "answered" });
    }
  }
});
