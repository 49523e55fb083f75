import { productionDeps } from "../../shared/data/deps.ts";
import { imagesOf } from "../../shared/data/stream.ts";
import { exchangeSchema } from "../../shared/domain/exchange.ts";
import { fulfilPostsOfExchange } from "../../shared/domain/post-fulfilment.ts";
import { streamConsumer } from "./stack.ts";

/** Closes the posts an exchange answered once it settles: a request at once, an offer when full. */
export const handler = streamConsumer("post-fulfilment", productionDeps, async (record, deps) => {
  const { oldImage, newImage } = imagesOf(record);
  if (newImage?.entity !== "Exchange" || newImage.status !== "settled" || oldImage?.status === "settled")
    return;
  await fulfilPostsOfExchange(deps, exchangeSchema.parse(newImage));
});
