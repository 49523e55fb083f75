import type { Deps } from "#domain/deps.ts";
import type { InboxDelivery, Notification } from "#domain/notices/inbox.ts";
import { type NoticeContent, noticeContent } from "#domain/notices/kinds.ts";
import { POT_ACCOUNT_ID, type Transfer, type TransferKind } from "./books.ts";

/**
 * The notices of a credit move outside exchanges (exchanges tell their parties themselves, see
 * exchanges/notices.ts): every member whose balance it moved is told why, the one who did it
 * included (their receipt), an organisation in its own inbox (its admins read it). The pot has
 * no inbox. Each notice is keyed by the transfer, so a member hears of one transfer once, however
 * it is written: in the posting's transaction, or right after it when the transaction is full.
 */
export interface CreditMove {
  transfer: Transfer;
  /** Who did it (the signed-in member). */
  by: { memberId: string; displayName: string };
  /** Display names of the accounts the texts name (the organisation, the venue, the payer). */
  names: ReadonlyMap<string, string>;
  /** Redemptions: what was bought. */
  activityTitle?: string;
}

/**
 * The credit moves that tell their parties here; exchanges tell theirs, payments have no route,
 * and closing an account tells its member with the closing notice.
 */
export type NoticedTransferKind = Exclude<TransferKind, "exchange" | "payment" | "closing">;

const kindOfNotice: Record<NoticedTransferKind, Notification["kind"]> = {
  award: "credits-awarded",
  redemption: "credits-redeemed",
  donation: "credits-donated",
  grant: "credits-granted",
  reversal: "credits-reversed",
};

function isNoticed(kind: TransferKind): kind is NoticedTransferKind {
  return kind in kindOfNotice;
}

/** Net minutes the transfer moved for each account: positive credited, negative debited. */
export function netMoves(transfer: Pick<Transfer, "legs">): Map<string, number> {
  const net = new Map<string, number>();
  for (const leg of transfer.legs) {
    net.set(leg.toAccountId, (net.get(leg.toAccountId) ?? 0) + leg.minutes);
    net.set(leg.fromAccountId, (net.get(leg.fromAccountId) ?? 0) - leg.minutes);
  }
  return net;
}

/**
 * What a transfer's notice tells one account holder, as values: the minutes it moved for them
 * (positive in, negative out), who did it, the names the messages need, and what members typed
 * (memo, activity).
 */
function content(move: CreditMove, accountId: string, minutes: number): NoticeContent {
  const { transfer, by, names } = move;
  const name = (id: string) => names.get(id) ?? "";
  const base = {
    transferId: transfer.transferId,
    transferKind: transfer.kind,
    minutes,
    by: by.memberId,
    byName: by.displayName,
    memo: transfer.memo,
    reverses: transfer.reverses,
    activityId: transfer.activityId,
  };
  // Who did it, when it was not the account holder: a coordinator or an organisation's admin.
  const doneBy = by.memberId === accountId ? undefined : by.displayName;
  const payer = transfer.legs[0]?.fromAccountId ?? "";
  const payee = transfer.legs[0]?.toAccountId ?? "";
  switch (transfer.kind) {
    case "award":
      return noticeContent("credits-awarded", {
        ...base,
        payer: name(payer),
        account: name(accountId),
        volunteers: transfer.legs.length,
      });
    case "redemption":
      return noticeContent("credits-redeemed", {
        ...base,
        payer: name(payer),
        payee: name(payee),
        activity: move.activityTitle ?? transfer.memo,
        doneBy,
      });
    case "donation":
      return noticeContent("credits-donated", { ...base, doneBy });
    case "grant":
      return noticeContent("credits-granted", base);
    default:
      return noticeContent("credits-reversed", { ...base, reversedKind: transfer.reversedKind ?? "payment" });
  }
}

/**
 * The notices a credit move sends, one per member whose balance it moved (none for exchanges and
 * payments). The dedupe key is the transfer id: a member is told of a transfer once.
 */
export function creditNotices(deps: Pick<Deps, "ids" | "clock">, move: CreditMove): InboxDelivery[] {
  const { transfer } = move;
  if (!isNoticed(transfer.kind)) return [];
  const createdAt = deps.clock.now().toISOString();
  const notices: InboxDelivery[] = [];
  for (const [accountId, minutes] of netMoves(transfer)) {
    if (accountId === POT_ACCOUNT_ID || minutes === 0) continue;
    notices.push({
      notification: {
        notificationId: deps.ids.next(),
        memberId: accountId,
        ...content(move, accountId, minutes),
        link: "/me/statement",
        createdAt,
      },
      dedupeKey: `transfer#${transfer.transferId}`,
    });
  }
  return notices;
}
