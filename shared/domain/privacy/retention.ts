import { isLive, type PostStatus, postStatuses } from "#domain/posts/post.ts";
import type { City } from "#shared/config/city.ts";

type Image = Record<string, unknown>;
type Retention = Pick<City["retention"], "inboxDays" | "matchDays" | "auditDays" | "postDays">;

/**
 * What the city's retention rule asks of an item as it now is: a removal instant (seconds since
 * the epoch) to set when it has none (`hasRemoval`: the storage says whether it has), or undefined
 * when it is as it should be. Judged on the new image alone, so an item rewritten whole (which
 * drops its date) gets it again, and the consumer's own write asks for nothing more.
 */
export function retentionOf(
  newImage: Image | undefined,
  hasRemoval: boolean,
  retention: Retention,
): number | undefined {
  if (!newImage) return undefined;
  const from = (at: unknown, days: number) =>
    !hasRemoval && typeof at === "string" && !Number.isNaN(Date.parse(at))
      ? Math.floor(Date.parse(at) / 1000) + days * 86_400
      : undefined;
  switch (newImage.entity) {
    case "Notification":
      return from(newImage.createdAt, retention.inboxDays);
    case "Match":
      return from(newImage.createdAt, retention.matchDays);
    case "AuditEntry":
      return from(newImage.at, retention.auditDays);
    case "Post":
      // An ended post: its status never changes again, so its last change is when it ended.
      return endedPost(newImage.status) ? from(newImage.updatedAt, retention.postDays) : undefined;
    default:
      return undefined;
  }
}

function endedPost(status: unknown): boolean {
  return postStatuses.includes(status as PostStatus) && !isLive(status as PostStatus);
}
