import { productionDeps } from "../../shared/data/deps.ts";
import { imagesOf } from "../../shared/data/stream.ts";
import { exchangeSchema } from "../../shared/domain/exchange.ts";
import { followExchangeForCoordinators } from "../../shared/domain/exchange-queue.ts";
import { streamConsumer } from "./stack.ts";

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
