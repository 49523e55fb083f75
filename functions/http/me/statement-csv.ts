import { toCsv } from "#domain/kernel/csv.ts";
import { fullStatement, type StatementLine } from "#domain/ledger/accounts.ts";
import { httpRoute } from "../route.ts";

/** My whole statement as CSV, with the running balance. */
export const handler = httpRoute(
  { summary: "My account statement as CSV", auth: "member", actFor: true, csv: true },
  async ({ deps, subject }) => ({
    body: toCsv<StatementLine>(
      [
        { header: "posted_at", value: (l) => l.postedAt },
        { header: "transfer_id", value: (l) => l.transferId },
        { header: "kind", value: (l) => l.kind },
        { header: "counterparty_id", value: (l) => l.counterpartyId },
        { header: "counterparty", value: (l) => l.counterpartyName },
        { header: "given_minutes", value: (l) => l.givenMinutes },
        { header: "received_minutes", value: (l) => l.receivedMinutes },
        { header: "amount_minutes", value: (l) => l.amountMinutes },
        { header: "balance_after_minutes", value: (l) => l.balanceAfterMinutes },
        { header: "memo", value: (l) => l.memo },
      ],
      await fullStatement(deps, subject.memberId),
    ),
  }),
);
