import { productionDeps } from "#data/deps.ts";
import { type Image, imagesOf } from "#data/stream.ts";
import { entriesForMember, entriesForPost, type IndexEntry } from "#domain/matching/index-entries.ts";
import { memberSchema } from "#domain/membership/member.ts";
import { postSchema } from "#domain/posts/post.ts";
import type { City } from "#shared/config/city.ts";
import { streamConsumer } from "./consumer.ts";

function entriesOf(image: Image | undefined, city: City): IndexEntry[] {
  if (image?.entity === "Member") return entriesForMember(memberSchema.parse(image), city);
  if (image?.entity === "Post") return entriesForPost(postSchema.parse(image));
  return [];
}

/** Keeps the matching index in step with members' skills and open posts: who gives or asks what, where. */
export const handler = streamConsumer("match-index", productionDeps, async (record, deps) => {
  const { oldImage, newImage } = imagesOf(record);
  await deps.matchIndex.replace(entriesOf(oldImage, deps.city), entriesOf(newImage, deps.city));
});
