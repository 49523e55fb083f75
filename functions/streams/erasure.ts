import { erasureDeps } from "#data/privacy-deps.ts";
import { imagesOf } from "#data/stream.ts";
import { memberSchema } from "#domain/membership/member.ts";
import { postSchema } from "#domain/posts/post.ts";
import { eraseClosedMember, forgetRemovedPost } from "#domain/privacy/erasure.ts";
import { log } from "#shared/logger.ts";
import { streamConsumer } from "./consumer.ts";

/**
 * When a member becomes closed, erases their personal data wherever it was copied and deletes
 * their sign-in identity (the Cognito user in AWS); when a post is removed (by the retention
 * rule's TTL), its matches go with it. Every step is idempotent, so a redelivered record finds
 * its work done.
 */
export const handler = streamConsumer("erasure", erasureDeps, async (record, deps) => {
  const { oldImage, newImage } = imagesOf(record);
  if (record.eventName === "REMOVE" && oldImage?.entity === "Post") {
    const matches = await forgetRemovedPost(deps, postSchema.parse(oldImage));
    log.info("removed post forgotten", { postId: oldImage.postId, matches });
    return;
  }
  if (newImage?.entity !== "Member" || newImage.status !== "closed" || oldImage?.status === "closed") return;
  if (!oldImage) return;
  const report = await eraseClosedMember(deps, memberSchema.parse(oldImage), memberSchema.parse(newImage));
  log.info("member erased", { memberId: newImage.memberId, ...report });
});
