import { retentionDeps } from "#data/retention-store.ts";
import { imagesOf } from "#data/stream.ts";
import { table } from "#data/table.ts";
import { retentionOf } from "#domain/privacy/retention.ts";
import { streamConsumer } from "./consumer.ts";

/**
 * Applies the city's retention periods: every notice, match and audit entry gets its
 * removal date (the table's TTL), again if a rewrite of the whole item dropped it.
 */
export const handler = streamConsumer("retention", retentionDeps, async (record, deps) => {
  const { newImage } = imagesOf(record);
  const hasRemoval = newImage?.[table.ttlAttribute] !== undefined;
  const expiry = retentionOf(newImage, hasRemoval, deps.city.retention);
  if (expiry !== undefined) await deps.store.setExpiry(record, expiry);
});
