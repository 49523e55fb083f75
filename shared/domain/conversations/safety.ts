import type { Deps } from "#domain/deps.ts";
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  RuleViolationError,
  SelfDealingError,
  ValidationError,
} from "#domain/kernel/errors.ts";
import type { Page } from "#domain/kernel/paging.ts";
import type { Acting } from "#domain/membership/acting.ts";
import { coordinatesArea, type Member } from "#domain/membership/member.ts";
import { decideMembership, requireArea, requireCoordinator } from "#domain/membership/members.ts";
import { noticeContent } from "#domain/notices/kinds.ts";
import { notify } from "#domain/notices/notify.ts";
import {
  type ConversationReport,
  type ConversationView,
  decisionNeedsNote,
  type ModerationDecision,
  type ReportInput,
  type ReportView,
  retainUntil,
} from "./conversation.ts";
import { type ConversationDeps, listMessages } from "./messaging.ts";

type SafetyDeps = ConversationDeps & Pick<Deps, "inbox" | "ledger" | "matchIndex">;

function notFound(): NotFoundError {
  return new NotFoundError("No such conversation");
}

/** The other party a block or report is about: named, or the only other one. */
function otherParty(parties: readonly string[], subjectId: string, named: string | undefined): string {
  const others = parties.filter((p) => p !== subjectId);
  if (named !== undefined) {
    if (!others.includes(named)) {
      throw new ValidationError("That member is not in this conversation", [
        { path: "memberId", message: "Must be another party of the conversation" },
      ]);
    }
    return named;
  }
  const [only] = others;
  if (others.length !== 1 || !only) {
    throw new ValidationError("Name the member", [
      { path: "memberId", message: "Required in a conversation of more than two" },
    ]);
  }
  return only;
}

const MAX_BLOCKED = 200;

/**
 * The subject blocks another party: the conversation closes both ways (nobody in it can write to
 * the other), and the two are never matched again. The blocked member sees only that it is
 * closed. Unblocking is done in the profile.
 * @throws NotFoundError for a non-party; ValidationError for a member not in it; RuleViolationError
 * when the block list is full; ConflictError when the profile changed meanwhile.
 */
export async function blockInConversation(
  deps: SafetyDeps,
  acting: Acting,
  conversationId: string,
  named: string | undefined,
): Promise<ConversationView> {
  const first = await listMessages(deps, acting, conversationId, { limit: 1 });
  if (first.conversation.readingAs !== "party") throw notFound();
  const parties = [acting.subject.memberId, ...first.conversation.with.map((w) => w.memberId)];
  const target = otherParty(parties, acting.subject.memberId, named);
  const { subject, actor } = acting;
  if (!subject.blocked.includes(target)) {
    if (subject.blocked.length >= MAX_BLOCKED) {
      throw new RuleViolationError(`At most ${MAX_BLOCKED} members can be blocked`);
    }
    const next: Member = {
      ...subject,
      blocked: [...subject.blocked, target],
      updatedAt: deps.clock.now().toISOString(),
      updatedBy: actor.memberId,
    };
    await deps.members.update(next, subject.updatedAt);
    return (await listMessages(deps, { actor, subject: next }, conversationId, { limit: 1 })).conversation;
  }
  return first.conversation;
}

const LATEST_REPORTED = 10;

/**
 * The subject reports another party of a conversation: it joins the reports queue of the
 * coordinators of both members' areas (who may then read it), with the messages named or the
 * reported member's latest ones; those coordinators are told.
 * @throws NotFoundError for a non-party; ValidationError for messages not by the reported member;
 * RuleViolationError for a conversation without messages.
 */
export async function reportConversation(
  deps: SafetyDeps,
  acting: Acting,
  conversationId: string,
  input: ReportInput,
): Promise<ReportView> {
  const { actor, subject } = acting;
  const conversation = await deps.conversations.get(conversationId);
  if (!conversation?.parties.includes(subject.memberId)) {
    // An accepted match or exchange with nothing said yet is the subject's, but has nothing to report.
    if (!conversation) {
      const page = await listMessages(deps, acting, conversationId, { limit: 1 });
      if (page.conversation.readingAs === "party") {
        throw new RuleViolationError("There are no messages to report in this conversation");
      }
    }
    throw notFound();
  }
  const reportedId = otherParty(conversation.parties, subject.memberId, input.memberId);
  let messageIds: string[];
  if (input.messageIds && input.messageIds.length > 0) {
    const found = await deps.conversations.messagesById(conversationId, [...new Set(input.messageIds)]);
    const theirs = new Set(found.filter((m) => m.senderId === reportedId).map((m) => m.messageId));
    const wrong = input.messageIds.findIndex((id) => !theirs.has(id));
    if (wrong >= 0) {
      throw new ValidationError("Only messages of the reported member can be named", [
        { path: `messageIds.${wrong}`, message: "Not a message of the reported member here" },
      ]);
    }
    messageIds = [...theirs];
  } else {
    const latest = await deps.conversations.messages(conversationId, { limit: 50 });
    messageIds = latest.items
      .filter((m) => m.senderId === reportedId)
      .slice(0, LATEST_REPORTED)
      .map((m) => m.messageId);
  }
  const reported = await deps.members.get(reportedId);
  const now = deps.clock.now();
  const report: ConversationReport = {
    reportId: deps.ids.next(),
    conversationId,
    reporterId: subject.memberId,
    reportedBy: actor.memberId,
    reportedId,
    reason: input.reason,
    ...(input.note ? { note: input.note } : {}),
    messageIds,
    areas: [...new Set([subject.area, ...(reported ? [reported.area] : [])])],
    status: "open",
    createdAt: now.toISOString(),
    updatedBy: actor.memberId,
    retainUntil: retainUntil(deps.city.conversations, now),
  };
  await deps.conversations.report(report);
  const members = new Map([[subject.memberId, subject]]);
  if (reported) members.set(reported.memberId, reported);
  await tellCoordinators(deps, report, members);
  return reportView(report, members);
}

/** Every active coordinator whose scope reaches the report, and who is not in the conversation. */
async function tellCoordinators(
  deps: SafetyDeps,
  report: ConversationReport,
  members: ReadonlyMap<string, Member>,
): Promise<void> {
  const reporter = nameOf(report.reporterId, members);
  const reported = nameOf(report.reportedId, members);
  for (const coordinator of await deps.members.listCoordinators()) {
    if (coordinator.memberId === report.reporterId || coordinator.memberId === report.reportedId) continue;
    if (!report.areas.some((area) => coordinatesArea(coordinator, area))) continue;
    await notify(deps, {
      memberId: coordinator.memberId,
      ...noticeContent("conversation-reported", {
        reportId: report.reportId,
        conversationId: report.conversationId,
        reporter,
        reported,
      }),
      link: `/conversations/${report.conversationId}`,
      dedupeKey: `conversation-reported#${report.reportId}`,
    });
  }
}

function nameOf(memberId: string, members: ReadonlyMap<string, Member>): string {
  const member = members.get(memberId);
  return !member || member.status === "closed" ? "A former member" : member.displayName;
}

function personOf(memberId: string, members: ReadonlyMap<string, Member>) {
  const member = members.get(memberId);
  return { memberId, displayName: nameOf(memberId, members), former: !member || member.status === "closed" };
}

function reportView(report: ConversationReport, members: ReadonlyMap<string, Member>): ReportView {
  return {
    reportId: report.reportId,
    conversationId: report.conversationId,
    reporter: personOf(report.reporterId, members),
    reported: personOf(report.reportedId, members),
    reason: report.reason,
    ...(report.note ? { note: report.note } : {}),
    messageIds: report.messageIds,
    status: report.status,
    createdAt: report.createdAt,
    ...(report.decidedAt ? { decidedAt: report.decidedAt } : {}),
  };
}

/** City-wide coordinators (no areas named) and admins may list every area at once. */
function coordinatesWholeCity(actor: Member): boolean {
  return actor.roles.includes("admin") || actor.coordinatorAreas.length === 0;
}

function onlyAreaOf(actor: Member): string | undefined {
  return actor.coordinatorAreas.length === 1 ? actor.coordinatorAreas[0] : undefined;
}

/**
 * The coordinators' queue of open reports, oldest first: one area, or the whole city for
 * city-wide coordinators and admins.
 * @throws ForbiddenError for non-coordinators and areas outside scope; ValidationError for an
 * unknown area, a missing one for a coordinator of several areas, or a bad cursor.
 */
export async function listReportQueue(
  deps: ConversationDeps,
  actor: Member,
  query: { area?: string | undefined; limit?: number | undefined; cursor?: string | undefined },
): Promise<Page<ReportView>> {
  requireCoordinator(actor);
  const page = { limit: query.limit ?? 20, cursor: query.cursor };
  // A coordinator of one area need not name it.
  const area = query.area ?? (coordinatesWholeCity(actor) ? undefined : onlyAreaOf(actor));
  if (area === undefined && !coordinatesWholeCity(actor)) {
    throw new ValidationError("Name one of your areas", [
      { path: "query.area", message: `Must be one of: ${actor.coordinatorAreas.join(", ")}` },
    ]);
  }
  if (area !== undefined) {
    requireArea(deps.city, area, "query.area");
    if (!coordinatesArea(actor, area)) throw new ForbiddenError("That area is outside your scope");
  }
  const reports = await deps.conversations.openReports(area, page);
  const members = await deps.members.getMany([
    ...new Set(reports.items.flatMap((r) => [r.reporterId, r.reportedId])),
  ]);
  return {
    items: reports.items.map((r) => reportView(r, members)),
    ...(reports.nextCursor ? { nextCursor: reports.nextCursor } : {}),
  };
}

const outcomeOf = { warn: "warned", suspend: "suspended", dismiss: "dismissed" } as const;

/**
 * A coordinator in scope decides on an open report: warn the reported member (told why, in their
 * inbox), suspend them (the membership decision, with its notice and frozen account), or dismiss
 * it; the reporter is told it was handled. The report keeps who decided (the audit trail records
 * it). Nobody decides on a conversation they are in.
 * @throws NotFoundError out of scope or for no such report; SelfDealingError for a party;
 * RuleViolationError when it was decided already; ValidationError without a note to warn or suspend.
 */
export async function decideReport(
  deps: SafetyDeps,
  actor: Member,
  conversationId: string,
  reportId: string,
  input: ModerationDecision,
): Promise<ReportView> {
  requireCoordinator(actor);
  const [report, conversation] = await Promise.all([
    deps.conversations.getReport(conversationId, reportId),
    deps.conversations.get(conversationId),
  ]);
  if (!report?.areas.some((area) => coordinatesArea(actor, area))) {
    throw new NotFoundError("No such report");
  }
  if (conversation?.parties.includes(actor.memberId) || report.reporterId === actor.memberId) {
    throw new SelfDealingError("Nobody decides on a report about a conversation they are in");
  }
  if (report.status !== "open") throw new RuleViolationError(`This report was ${report.status} already`);
  if (decisionNeedsNote(input.decision) && !input.note) {
    throw new ValidationError("Say why: the member is told", [
      { path: "note", message: "Required to warn or suspend" },
    ]);
  }
  const now = deps.clock.now().toISOString();
  if (input.decision === "suspend") {
    await decideMembership(deps, actor, report.reportedId, "suspend", input.note);
  }
  const decided: ConversationReport = {
    ...report,
    status: outcomeOf[input.decision],
    decidedAt: now,
    ...(input.note ? { decisionNote: input.note } : {}),
    updatedBy: actor.memberId,
  };
  if ((await deps.conversations.decide(decided)) === "stale") {
    throw new ConflictError("Another coordinator decided on this report meanwhile");
  }
  const members = await deps.members.getMany([report.reporterId, report.reportedId]);
  const reported = members.get(report.reportedId);
  if (input.decision === "warn" && reported) {
    await notify(deps, {
      memberId: reported.memberId,
      ...noticeContent("conversation-warning", { reportId, conversationId, note: input.note ?? "" }),
      link: `/conversations/${conversationId}`,
      dedupeKey: `conversation-warning#${reportId}`,
    });
  }
  const reporter = members.get(report.reporterId);
  if (reporter && reporter.status === "active") {
    await notify(deps, {
      memberId: reporter.memberId,
      ...noticeContent("conversation-report-decided", { reportId, conversationId }),
      link: `/conversations/${conversationId}`,
      dedupeKey: `conversation-report-decided#${reportId}`,
    });
  }
  return reportView(decided, members);
}
