import { createHmac, timingSafeEqual } from "node:crypto";
import type { Deps } from "#domain/deps.ts";
import { ConflictError, NotFoundError } from "#domain/kernel/errors.ts";
import {
  type EmailOptOutKind,
  emailOptOutKindSchema,
  emailOptOutKinds,
  emailUndeliverable,
  type Member,
} from "#domain/membership/member.ts";
import type { Language } from "#shared/config/city.ts";
import * as z from "#shared/zod.ts";
import { LinkInvalidError } from "./errors.ts";
import type { Notification } from "./inbox.ts";

/** The language a member reads in: their own choice, else the city's default (as render.ts). */
function languageOf(member: Member | undefined, deps: Pick<Deps, "city">): Language {
  return member?.preferredLanguage ?? deps.city.languages.default;
}

/**
 * The kind of email an unsubscribe link names, and the language its member reads in, for the page
 * the link opens.
 * @throws LinkInvalidError when the token is not one this city signed.
 */
export async function readUnsubscribeLink(
  deps: Pick<Deps, "city" | "signingKeys" | "members">,
  token: string,
): Promise<{ kind: EmailOptOutKind; language: Language }> {
  const { memberId, kind } = await readUnsubscribeToken(deps, token);
  return { kind, language: languageOf(await deps.members.get(memberId), deps) };
}

const UNSUBSCRIBE = "unsubscribe";
/** The path of the unsubscribe route under the city's web address (the API lives under /api). */
export const UNSUBSCRIBE_PATH = "/api/unsubscribe";

function audienceOf(deps: Pick<Deps, "city">): string {
  return `mutua:${deps.city.id}:${UNSUBSCRIBE}`;
}

/** A token's signature: HMAC-SHA256 over its payload, with the city's unsubscribe key. */
function signatureOf(key: Uint8Array, payload: string): Buffer {
  return createHmac("sha256", key).update(payload).digest();
}

/**
 * A signed token naming a member and a kind of email notice, for the one-click unsubscribe link:
 * `<payload>.<signature>`, both base64url, the payload JSON `{sub, kind, aud}`. It does not
 * expire: the link in an old email still works, as RFC 8058 expects. (HMAC from node:crypto rather
 * than a JWT library: the notices' router, which signs, must stay inside its bundle budget.)
 */
export async function unsubscribeToken(
  deps: Pick<Deps, "city" | "signingKeys">,
  memberId: string,
  kind: EmailOptOutKind,
): Promise<string> {
  const key = await deps.signingKeys.findOrCreate(UNSUBSCRIBE);
  const payload = Buffer.from(JSON.stringify({ sub: memberId, kind, aud: audienceOf(deps) })).toString(
    "base64url",
  );
  return `${payload}.${signatureOf(key, payload).toString("base64url")}`;
}

const unsubscribeClaimsSchema = z.object({
  sub: z.string().check(z.minLength(1)),
  kind: emailOptOutKindSchema,
  aud: z.string(),
});

/**
 * The member and kind of notice an unsubscribe token names.
 * @throws LinkInvalidError when the token is not one this city signed.
 */
export async function readUnsubscribeToken(
  deps: Pick<Deps, "city" | "signingKeys">,
  token: string,
): Promise<{ memberId: string; kind: EmailOptOutKind }> {
  const invalid = () => new LinkInvalidError("This unsubscribe link is not valid: it may have been altered");
  const [payload = "", signature = "", ...rest] = token.split(".");
  if (rest.length > 0 || !/^[A-Za-z0-9_-]+$/.test(payload) || !/^[A-Za-z0-9_-]{43}$/.test(signature)) {
    throw invalid();
  }
  const key = await deps.signingKeys.find(UNSUBSCRIBE);
  if (!key) throw invalid();
  // Compared in constant time, so the signature cannot be guessed byte by byte.
  if (!timingSafeEqual(signatureOf(key, payload), Buffer.from(signature, "base64url"))) throw invalid();
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    throw invalid();
  }
  const parsed = z.safeParse(unsubscribeClaimsSchema, claims);
  if (!parsed.success || parsed.data.aud !== audienceOf(deps)) throw invalid();
  return { memberId: parsed.data.sub, kind: parsed.data.kind };
}

/**
 * The `List-Unsubscribe` headers (RFC 2369, one-click per RFC 8058) of an email carrying these
 * notices: only when every one is of the same kind a member may turn off, and the city has a web
 * address for the link. Otherwise none (a mixed bundle has no single kind to stop).
 */
export async function unsubscribeHeaders(
  deps: Pick<Deps, "city" | "signingKeys">,
  memberId: string,
  notifications: readonly Pick<Notification, "kind">[],
): Promise<Record<string, string> | undefined> {
  const appUrl = deps.city.notifications.appUrl;
  const kinds = new Set(notifications.map((n) => n.kind));
  const [kind] = kinds;
  const optOut = emailOptOutKinds.find((k) => k === kind);
  if (!appUrl || kinds.size !== 1 || !optOut) return undefined;
  const url = new URL(UNSUBSCRIBE_PATH, appUrl);
  url.searchParams.set("token", await unsubscribeToken(deps, memberId, optOut));
  return {
    "List-Unsubscribe": `<${url.href}>`,
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
  };
}

/** A member changed by the member repository's optimistic update, retried on a racing change. */
async function changeMember(
  deps: Pick<Deps, "members">,
  memberId: string,
  change: (member: Member) => Member | undefined,
): Promise<{ member: Member; changed: boolean } | undefined> {
  for (let attempt = 0; ; attempt++) {
    const member = await deps.members.get(memberId);
    if (!member) return undefined;
    const next = change(member);
    if (!next) return { member, changed: false };
    try {
      await deps.members.update(next, member.updatedAt);
      return { member: next, changed: true };
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt >= 4) throw error;
    }
  }
}

/**
 * Turns one kind of email notice off for the member a valid unsubscribe token names, and nothing
 * else (other kinds of email, the inbox and every other channel stay as they are). Idempotent.
 * @throws LinkInvalidError for a token this city did not sign; NotFoundError if the member is gone.
 */
export async function unsubscribe(
  deps: Pick<Deps, "city" | "signingKeys" | "members" | "clock">,
  token: string,
): Promise<{ kind: EmailOptOutKind; changed: boolean; language: Language }> {
  const { memberId, kind } = await readUnsubscribeToken(deps, token);
  const result = await changeMember(deps, memberId, (member) =>
    member.emailOptOuts.includes(kind)
      ? undefined
      : {
          ...member,
          emailOptOuts: [...member.emailOptOuts, kind],
          updatedAt: deps.clock.now().toISOString(),
          updatedBy: memberId,
        },
  );
  if (!result) throw new NotFoundError("This link's member no longer exists");
  return { kind, changed: result.changed, language: languageOf(result.member, deps) };
}

/** What `parseMailEvent` reads of an SES event (event publishing's JSON, as a configuration set sends it). */
const sesEventSchema = z.object({
  eventType: z.string(),
  mail: z.object({
    destination: z._default(z.array(z.string()), []),
    /** The message's tags, as set when sending: Mutua tags each email with its member's id. */
    tags: z._default(z.record(z.string(), z.array(z.string())), {}),
  }),
  bounce: z.optional(
    z.object({
      bounceType: z.string(),
      bouncedRecipients: z.array(z.object({ emailAddress: z.string() })),
    }),
  ),
  complaint: z.optional(z.object({ complainedRecipients: z.array(z.object({ emailAddress: z.string() })) })),
});

/** An address mail must no longer go to, and whose it is. */
export interface UndeliverableAddress {
  memberId: string;
  address: string;
  reason: "bounce" | "complaint";
}

/**
 * The addresses an SES event says are undeliverable: the recipients of a permanent bounce, or of
 * a complaint. A transient bounce (a full mailbox, say) and every other event say nothing. An
 * email without Mutua's `memberId` tag (not sent by Mutua) is not Mutua's to mark.
 */
export function parseMailEvent(event: unknown): UndeliverableAddress[] {
  const parsed = z.safeParse(sesEventSchema, event);
  if (!parsed.success) return [];
  const { eventType, mail, bounce, complaint } = parsed.data;
  const [memberId] = mail.tags.memberId ?? [];
  if (!memberId) return [];
  const recipients =
    eventType === "Bounce" && bounce?.bounceType === "Permanent"
      ? bounce.bouncedRecipients.map((r) => ({ address: r.emailAddress, reason: "bounce" as const }))
      : eventType === "Complaint" && complaint
        ? complaint.complainedRecipients.map((r) => ({
            address: r.emailAddress,
            reason: "complaint" as const,
          }))
        : [];
  return recipients.map((r) => ({ memberId, ...r }));
}

/**
 * Marks a member's email address undeliverable, so nothing more is sent to it (the member and
 * their coordinators see it on the member's profile). Only the address the member still has: an
 * event about an address they have since changed marks nothing. A complaint after a bounce keeps
 * the first mark.
 */
export async function markUndeliverable(
  deps: Pick<Deps, "members" | "clock">,
  target: UndeliverableAddress,
): Promise<"marked" | "already" | "not-current" | "unknown-member"> {
  let outcome: "already" | "not-current" = "already";
  const result = await changeMember(deps, target.memberId, (member) => {
    if (member.contact.email?.toLowerCase() !== target.address.toLowerCase()) {
      outcome = "not-current";
      return undefined;
    }
    if (emailUndeliverable(member)) {
      outcome = "already";
      return undefined;
    }
    const at = deps.clock.now().toISOString();
    return {
      ...member,
      emailUndeliverable: { address: target.address, reason: target.reason, at },
      updatedAt: at,
      updatedBy: "system",
    };
  });
  if (!result) return "unknown-member";
  return result.changed ? "marked" : outcome;
}

/** Marks a member's phone number as opted out of SMS (it replied STOP), if it is still theirs. */
export async function markSmsOptedOut(
  deps: Pick<Deps, "members" | "clock">,
  memberId: string,
  phone: string,
): Promise<void> {
  await changeMember(deps, memberId, (member) => {
    if (member.contact.phone !== phone || member.smsOptedOut?.phone === phone) return undefined;
    const at = deps.clock.now().toISOString();
    return { ...member, smsOptedOut: { phone, at }, updatedAt: at, updatedBy: "system" };
  });
}
