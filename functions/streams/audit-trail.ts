import { productionDeps } from "#data/deps.ts";
import { imagesOf } from "#data/stream.ts";
import { auditEntryFor } from "#domain/notices/audit-trail.ts";
import { streamConsumer } from "./consumer.ts";

/** Writes an audit entry for every change to an audited item: who did what to whom. */
export const handler = streamConsumer("audit-trail", productionDeps, async (record, deps) => {
  const { oldImage, newImage } = imagesOf(record);
  const seconds = record.dynamodb?.ApproximateCreationDateTime;
  const at = new Date(seconds ? seconds * 1000 : deps.clock.now().getTime()).toISOString();
  const entry = auditEntryFor(record.eventID ?? "", at, oldImage, newImage);
  if (entry) await deps.audit.record(entry);
});
