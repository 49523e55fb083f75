import { erasureDeps } from "#data/privacy-deps.ts";
import { imagesOf } from "#data/stream.ts";
import { memberSchema } from "#domain/membership/member.ts";
import { eraseClosedMember } from "#domain/privacy/erasure.ts";
import { log } from "#shared/logger.ts";
import { streamConsumer } from "./consumer.ts";

/**
 * When a member becomes closed, erases their personal data wherever it was copied and deletes
 * their sign-in identity (the Cognito user in AWS). Every step is idempotent, so a redelivered
 * record finds its work done.
 */
export const handler = streamConsumer("erasure", erasureDeps, async (record, deps) => {
  const { oldImage, newImage } = imagesOf(record);
  if (newImage?.entity !== "Member" || newImage.status !== "closed" || oldImage?.status === "closed") return;
  if (!oldImage) return;
  const report = await eraseClosedMember(deps, memberSchema.parse(oldImage), memberSchema.parse(newImage));
  log.info("member erased", { memberId: newImage.memberId, ...report });
});
