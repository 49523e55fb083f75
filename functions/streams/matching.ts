import { productionDeps } from "#data/deps.ts";
import { imagesOf } from "#data/stream.ts";
import { matchPost } from "#domain/matching/run.ts";
import { postSchema } from "#domain/posts/post.ts";
import { log } from "#shared/logger.ts";
import { streamConsumer } from "./consumer.ts";

/** What a match depends on: when none of it changes (e.g. a reminder was sent), nothing is re-run. */
const matchedOn = ["status", "category", "tags", "where", "location", "availability", "kind"] as const;

/** Matches each new or changed post with the people most likely to answer it, and tells the best few. */
export const handler = streamConsumer("matching", productionDeps, async (record, deps) => {
  const { oldImage, newImage } = imagesOf(record);
  if (!newImage) return;
  if (oldImage && matchedOn.every((f) => JSON.stringify(oldImage[f]) === JSON.stringify(newImage[f]))) return;
  const result = await matchPost(deps, postSchema.parse(newImage));
  if (result.stats) {
    log.info("post matched", {
      postId: newImage.postId,
      kept: result.kept,
      toldNow: result.told.now.length,
      digest: result.told.digest.length,
      ...result.stats,
    });
  }
});
