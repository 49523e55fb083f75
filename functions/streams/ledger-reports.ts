import { productionDeps } from "../../shared/data/deps.ts";
import { imagesOf } from "../../shared/data/stream.ts";
import { transferSchema } from "../../shared/domain/ledger.ts";
import { recordTransferInReports } from "../../shared/domain/ledger-reports.ts";
import { streamConsumer } from "./stack.ts";

/** Adds each new transfer to the monthly report aggregates, exactly once per transfer. */
export const handler = streamConsumer("ledger-reports", productionDeps, async (record, deps) => {
  if (record.eventName !== "INSERT") return;
  const { newImage } = imagesOf(record);
  if (newImage?.entity !== "Transfer") return;
  await recordTransferInReports(deps, transferSchema.parse(newImage));
});
