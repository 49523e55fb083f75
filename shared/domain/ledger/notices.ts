import type { Deps } from "#domain/deps.ts";
import type { InboxDelivery, NoticeParams, Notification } from "#domain/notices/inbox.ts";
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

const movedWords: Record<TransferKind, string> = {
  exchange: "exchange",
  award: "award",
  redemption: "redemption",
  donation: "donation",
  grant: "grant",
  reversal: "reversal",
  payment: "payment",
  closing: "closing of an account",
};

const TITLE_MAX = 200;
const BODY_MAX = 2000;

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

function text(move: CreditMove, accountId: string, minutes: number): { title: string; body: string } {
  const { transfer, by, names } = move;
  const name = (id: string) => names.get(id) ?? "A member";
  const self = by.memberId === accountId;
  // Who did it, when it was not the account holder: a coordinator or an organisation's admin.
  const doneBy = self ? "" : ` (done by ${by.displayName})`;
  const memo = transfer.memo ? ` For: ${transfer.memo}.` : "";
  const amount = Math.abs(minutes);
  const payer = transfer.legs[0]?.fromAccountId ?? "";
  const payee = transfer.legs[0]?.toAccountId ?? "";
  const statement = " Your statement shows it.";
  switch (transfer.kind) {
    case "award": {
      if (minutes > 0) {
        return {
          title: `${name(payer)} awarded you ${amount} minutes`,
          body: `${amount} minutes from ${name(payer)}: thank you for volunteering.${memo}${statement}`,
        };
      }
      const volunteers = transfer.legs.length;
      return {
        title: `Awarded ${amount} minutes to ${volunteers} ${volunteers === 1 ? "volunteer" : "volunteers"}`,
        body: `${by.displayName} awarded ${amount} minutes for ${name(accountId)}.${memo}${statement}`,
      };
    }
    case "redemption": {
      const what = move.activityTitle ?? transfer.memo ?? "an activity";
      return minutes < 0
        ? {
            title: `You spent ${amount} minutes on ${what}`,
            body: `${amount} minutes went to ${name(payee)} for ${what}${doneBy}.${statement}`,
          }
        : {
            title: `${name(payer)} spent ${amount} minutes on ${what}`,
            body: `${amount} minutes came from ${name(payer)} for ${what}.${statement}`,
          };
    }
    case "donation":
      return {
        title: `You gave ${amount} minutes to the community pot`,
        body: `${amount} minutes went to the community pot${doneBy}: thank you, it welcomes newcomers and helps those in need.${memo}${statement}`,
      };
    case "grant":
      return {
        title: `${by.displayName} gave you ${amount} minutes from the community pot`,
        body: `${amount} minutes from the community pot. Reason: ${transfer.memo ?? "none given"}.${statement}`,
      };
    case "reversal": {
      const original = movedWords[transfer.reversedKind ?? "payment"];
      const direction = minutes > 0 ? "given back to you" : "taken back from you";
      return {
        title: `${by.displayName} reversed a ${original}: ${amount} minutes ${direction}`,
        body: `${amount} minutes ${direction}. Reason: ${transfer.memo ?? "none given"}.${statement}`,
      };
    }
    default:
      return { title: `${amount} minutes moved`, body: statement.trim() };
  }
}

/**
 * The notices a credit move sends, one per member whose balance it moved (none for exchanges and
 * payments). The dedupe key is the transfer id: a member is told of a transfer once.
 */
export function creditNotices(deps: Pick<Deps, "ids" | "clock">, move: CreditMove): InboxDelivery[] {
  const { transfer } = move;
  if (!isNoticed(transfer.kind)) return [];
  const kind = kindOfNotice[transfer.kind];
  const createdAt = deps.clock.now().toISOString();
  const notices: InboxDelivery[] = [];
  for (const [accountId, minutes] of netMoves(transfer)) {
    if (accountId === POT_ACCOUNT_ID || minutes === 0) continue;
    const { title, body } = text(move, accountId, minutes);
    const params: NoticeParams = {
      transferId: transfer.transferId,
      transferKind: transfer.kind,
      minutes,
      by: move.by.memberId,
      ...(transfer.memo ? { memo: transfer.memo } : {}),
      ...(transfer.reverses ? { reverses: transfer.reverses } : {}),
      ...(transfer.activityId ? { activityId: transfer.activityId } : {}),
    };
    notices.push({
      notification: {
        notificationId: deps.ids.next(),
        memberId: accountId,
        kind,
        title: title.slice(0, TITLE_MAX),
        body: body.slice(0, BODY_MAX),
        link: "/me/statement",
        params,
        createdAt,
      },
      dedupeKey: `transfer#${transfer.transferId}`,
    });
  }
  return notices;
}
