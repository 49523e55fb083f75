import { productionDeps } from "#data/deps.ts";
import { imagesOf } from "#data/stream.ts";
import { auditEntriesFor } from "#domain/notices/audit-trail.ts";
import { streamConsumer } from "./consumer.ts";

/** Writes the audit entries of every change to an audited item: who did what, for whom, to whom. */
export const handler = streamConsumer("audit-trail", productionDeps, async (record, deps) => {
  const { oldImage, newImage } = imagesOf(record);
  const seconds = record.dynamodb?.ApproximateCreationDateTime;
  const at = new Date(seconds ? seconds * 1000 : deps.clock.now().getTime()).toISOString();
  for (const entry of auditEntriesFor(record.eventID ?? "", at, oldImage, newImage)) {
    await deps.audit.record(entry);
  }
});
