import { productionDeps } from "#data/deps.ts";
import { imagesOf } from "#data/stream.ts";
import { exchangeSchema } from "#domain/exchanges/exchange.ts";
import { fulfilPostsOfExchange } from "#domain/posts/fulfilment.ts";
import { streamConsumer } from "./consumer.ts";

/** Closes the posts an exchange answered once it settles: a request at once, an offer when full. */
export const handler = streamConsumer("post-fulfilment", productionDeps, async (record, deps) => {
  const { oldImage, newImage } = imagesOf(record);
  if (newImage?.entity !== "Exchange" || newImage.status !== "settled" || oldImage?.status === "settled")
    return;
  await fulfilPostsOfExchange(deps, exchangeSchema.parse(newImage));
});
