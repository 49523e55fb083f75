import type { City } from "#shared/config/city.ts";

type Image = Record<string, unknown>;
type Retention = City["retention"];

/**
 * What the city's retention rule asks of an item as it now is: a removal instant (seconds since
 * the epoch) to set when it has none, or undefined when it is as it should be. (Posts are not
 * here: their own `expiresAt` field, the post's closing date, holds the TTL attribute's name.) Judged on the new image alone, so an item rewritten whole (which drops its
 * date) gets it again, and the consumer's own write asks for nothing more.
 */
export function retentionOf(newImage: Image | undefined, retention: Retention): number | undefined {
  if (!newImage) return undefined;
  const has = newImage.expiresAt !== undefined;
  const from = (at: unknown, days: number) =>
    !has && typeof at === "string" && !Number.isNaN(Date.parse(at))
      ? Math.floor(Date.parse(at) / 1000) + days * 86_400
      : undefined;
  switch (newImage.entity) {
    case "Notification":
      return from(newImage.createdAt, retention.inboxDays);
    case "Match":
      return from(newImage.createdAt, retention.matchDays);
    case "AuditEntry":
      return from(newImage.at, retention.auditDays);
    default:
      return undefined;
  }
}
