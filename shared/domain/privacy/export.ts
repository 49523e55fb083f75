import type { Deps } from "#domain/deps.ts";
import { exchangeSchema } from "#domain/exchanges/exchange.ts";
import type { Page, PageRequest } from "#domain/kernel/paging.ts";
import {
  accountViewSchema,
  readStatement,
  statementLineSchema,
  viewAccount,
} from "#domain/ledger/accounts.ts";
import { type Match, matchSchema } from "#domain/matching/match.ts";
import type { Acting } from "#domain/membership/acting.ts";
import { type Member, memberSchema } from "#domain/membership/member.ts";
import { auditEntrySchema } from "#domain/notices/audit-trail.ts";
import { type ReadNotification, readNotificationSchema } from "#domain/notices/inbox.ts";
import { readInbox } from "#domain/notices/read-inbox.ts";
import { type PostView, postViewSchema, viewPost } from "#domain/posts/post.ts";
import type { City } from "#shared/config/city.ts";
import * as z from "#shared/zod.ts";
import { type AccessRecordView, accessRecordViewSchema, readAccessLog } from "./access-log.ts";
import type { ExportSectionName } from "./export-job.ts";

/**
 * One consent of the member to the city's terms: when, to which version (absent for a consent
 * given before the city versioned its terms) and, if a coordinator recorded it, who.
 */
export const consentSchema = z.object({
  agreedAt: z.iso.datetime(),
  version: z.optional(z.string()),
  recordedBy: z.optional(z.string()),
  termsUrl: z.optional(z.string()),
});
export type Consent = z.infer<typeof consentSchema>;

/**
 * The member's consent history, oldest first: every recorded version, or the one unversioned
 * consent. The terms' address is given for the version still in force only (an older version's
 * text may have moved).
 */
export function consentHistoryOf(member: Member, city: Pick<City, "termsUrl" | "termsVersion">): Consent[] {
  const url = (version: string | undefined) =>
    city.termsUrl && version === city.termsVersion ? { termsUrl: city.termsUrl } : {};
  if (member.consents.length > 0) {
    return member.consents.map((consent) => ({ ...consent, ...url(consent.version) }));
  }
  return member.consentedAt ? [{ agreedAt: member.consentedAt, ...url(undefined) }] : [];
}

/** Everything Mutua holds about a member, section by section (the right of access). */
export const memberExportSchema = z.object({
  exportedAt: z.iso.datetime(),
  /** The profile, as stored (exact home and contact details included). */
  member: memberSchema,
  consents: z.array(consentSchema),
  /** Every post of the member, any status. */
  posts: z.array(postViewSchema),
  /** Matches of the member as a candidate and on the member's posts, with their scores and reasons. */
  matches: z.array(matchSchema),
  exchanges: z.array(exchangeSchema),
  account: accountViewSchema,
  /** Every statement line, oldest first. */
  statement: z.array(statementLineSchema),
  /** Each notice with its words in the member's language, as the inbox shows it. */
  inbox: z.array(readNotificationSchema),
  /** What changed about the member or their posts, and who changed it (newest first). */
  auditTrail: z.array(auditEntrySchema),
  /** Who among coordinators and admins looked at or acted on the member's data (newest first). */
  accessLog: z.array(accessRecordViewSchema),
});
export type MemberExport = z.infer<typeof memberExportSchema>;

export type ExportDeps = Pick<
  Deps,
  | "members"
  | "posts"
  | "matches"
  | "exchanges"
  | "ledger"
  | "inbox"
  | "audit"
  | "accessLog"
  | "city"
  | "clock"
>;

/** Every page of a paged list. */
async function all<T>(read: (page: PageRequest) => Promise<Page<T>>, limit = 100): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await read({ limit, cursor });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

type Sections = Omit<MemberExport, "exportedAt">;

/** The member's posts, any status, as the member (or the coordinator acting for them) sees them. */
async function postsOf(deps: ExportDeps, acting: Acting): Promise<PostView[]> {
  const memberId = acting.subject.memberId;
  const cards = await all((page) => deps.posts.listByOwner(memberId, page));
  const posts: PostView[] = [];
  for (const card of cards) {
    const post = await deps.posts.get(card.postId);
    if (post) posts.push(viewPost(post, acting, deps.city));
  }
  return posts;
}

/** Matches of the member as a candidate and on their posts, oldest first. */
async function matchesOf(deps: ExportDeps, acting: Acting): Promise<Match[]> {
  const memberId = acting.subject.memberId;
  const matches = new Map<string, Match>();
  for (const card of await all((page) => deps.posts.listByOwner(memberId, page))) {
    for (const match of await deps.matches.listForPost(card.postId, 1000)) matches.set(match.matchId, match);
  }
  for (const match of await all((page) => deps.matches.listForCandidate(memberId, page))) {
    matches.set(match.matchId, match);
  }
  return [...matches.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

const sectionReaders: {
  [K in ExportSectionName]: (deps: ExportDeps, acting: Acting) => Promise<Sections[K]>;
} = {
  member: async (_deps, acting) => acting.subject,
  consents: async (deps, acting) => consentHistoryOf(acting.subject, deps.city),
  posts: postsOf,
  matches: matchesOf,
  exchanges: (deps, acting) => all((page) => deps.exchanges.listForParty(acting.subject.memberId, page)),
  account: (deps, acting) => viewAccount(deps, acting.subject.memberId, acting.subject.kind),
  statement: (deps, acting) =>
    all(async (page) => {
      const result = await readStatement(deps, acting.subject.memberId, page);
      return { items: result.items, ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}) };
    }),
  inbox: (deps, acting): Promise<ReadNotification[]> =>
    all((page) => readInbox(deps, acting.subject, page), 50),
  auditTrail: (deps, acting) => deps.audit.listForSubject(acting.subject.memberId, 1000),
  accessLog: (deps, acting): Promise<AccessRecordView[]> =>
    all((page) => readAccessLog(deps, acting.subject.memberId, page)),
};

/**
 * One section of the member's export, read now. The synchronous export and the export job read
 * every section through here, so both hold the same. Reads only.
 */
export function readExportSection<K extends ExportSectionName>(
  deps: ExportDeps,
  acting: Acting,
  name: K,
): Promise<Sections[K]> {
  return sectionReaders[name](deps, acting);
}

/**
 * Everything Mutua holds about the member acted for, whatever their status (a closed member's
 * remaining records too, under their pseudonym). Reads only.
 */
export async function exportMemberData(deps: ExportDeps, acting: Acting): Promise<MemberExport> {
  return assembleExport(deps.clock.now().toISOString(), (name) => readExportSection(deps, acting, name));
}

/** The export from its sections, however they are had (read now, or stored by an export job). */
export async function assembleExport(
  exportedAt: string,
  section: <K extends ExportSectionName>(name: K) => Promise<Sections[K]>,
): Promise<MemberExport> {
  return {
    exportedAt,
    member: await section("member"),
    consents: await section("consents"),
    posts: await section("posts"),
    matches: await section("matches"),
    exchanges: await section("exchanges"),
    account: await section("account"),
    statement: await section("statement"),
    inbox: await section("inbox"),
    auditTrail: await section("auditTrail"),
    accessLog: await section("accessLog"),
  };
}

/**
 * A section read back from the JSON text an export job stored.
 * @throws when the text is not that section (a store that changed it).
 */
export function parseExportSection<K extends ExportSectionName>(name: K, text: string): Sections[K] {
  const value: unknown = JSON.parse(text);
  z.parse(memberExportSchema.shape[name], value);
  // The text as it was stored, once checked: parsing would put fields in the schema's order, and
  // the CSV files' columns follow the order the export read them in.
  return value as Sections[K];
}
