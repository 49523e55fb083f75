import { productionDeps } from "#data/deps.ts";
import { imagesOf } from "#data/stream.ts";
import { transferSchema } from "#domain/ledger/books.ts";
import { recordTransferInReports } from "#domain/ledger/reports.ts";
import { streamConsumer } from "./consumer.ts";

/** Adds each new transfer to the monthly report aggregates, exactly once per transfer. */
export const handler = streamConsumer("ledger-reports", productionDeps, async (record, deps) => {
  if (record.eventName !== "INSERT") return;
  const { newImage } = imagesOf(record);
  if (newImage?.entity !== "Transfer") return;
  await recordTransferInReports(deps, transferSchema.parse(newImage));
});
