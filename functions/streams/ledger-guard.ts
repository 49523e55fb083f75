import { productionDeps } from "#data/deps.ts";
import { imagesOf } from "#data/stream.ts";
import { reportLedgerViolations } from "#shared/ledger-metric.ts";
import { streamConsumer } from "./consumer.ts";

const IMMUTABLE = new Set(["JournalLine", "Transfer"]);

/**
 * Journal lines and transfers are written once and never change: any modification seen on the
 * stream raises the ledger alarm at once, without waiting for the next audit (which also catches
 * it, and deletions, through the hash chains).
 */
export const handler = streamConsumer("ledger-guard", productionDeps, async (record, deps) => {
  const { oldImage, newImage } = imagesOf(record);
  const entity = oldImage?.entity ?? newImage?.entity;
  if (record.eventName === "INSERT" || typeof entity !== "string" || !IMMUTABLE.has(entity)) return;
  const keys = `${String(oldImage?.pk ?? newImage?.pk)} ${String(oldImage?.sk ?? newImage?.sk)}`;
  reportLedgerViolations(deps.city.id, "ledger-guard", [
    `${entity} ${keys} was ${record.eventName?.toLowerCase()}`,
  ]);
});
