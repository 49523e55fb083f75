import { productionDeps } from "#data/deps.ts";
import { imagesOf } from "#data/stream.ts";
import { exchangeSchema } from "#domain/exchanges/exchange.ts";
import { followExchangeForCoordinators } from "#domain/exchanges/queue.ts";
import { streamConsumer } from "./consumer.ts";

/** Keeps the coordinators' queue of exchanges by status and area, and tells them of new disputes. */
export const handler = streamConsumer("exchange-queue", productionDeps, async (record, deps) => {
  const { oldImage, newImage } = imagesOf(record);
  if (newImage?.entity !== "Exchange") return;
  await followExchangeForCoordinators(
    deps,
    oldImage?.entity === "Exchange" ? exchangeSchema.parse(oldImage) : undefined,
    exchangeSchema.parse(newImage),
  );
});
