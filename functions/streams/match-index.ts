import { productionDeps } from "#data/deps.ts";
import { imagesOf } from "#data/stream.ts";
import { indexMember, indexPost } from "#domain/matching/indexing.ts";
import { memberSchema } from "#domain/membership/member.ts";
import { postSchema } from "#domain/posts/post.ts";
import { streamConsumer } from "./consumer.ts";

/** Keeps the matching index's cell digests in step with members' skills and profiles and open posts. */
export const handler = streamConsumer("match-index", productionDeps, async (record, deps) => {
  const { oldImage, newImage } = imagesOf(record);
  const image = newImage ?? oldImage;
  if (image?.entity === "Member") {
    const member = memberSchema.parse(image);
    await indexMember(deps, member.memberId, newImage ? member : undefined);
  } else if (image?.entity === "Post") {
    const post = postSchema.parse(image);
    await indexPost(deps, post, newImage ? post : undefined);
  }
});
