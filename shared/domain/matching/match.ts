import * as z from "#shared/zod.ts";
import { scoreParts } from "./score.ts";

export const matchStatuses = ["candidate", "notified", "digest", "accepted", "declined", "closed"] as const;
export type MatchStatus = (typeof matchStatuses)[number];

/**
 * A post paired with a member who could answer it. For a request the candidate can give (an
 * offer or a skill); for an offer the candidate asked (an open request). The candidate is told,
 * the post's owner sees every match of the post.
 */
export const matchSchema = z.object({
  matchId: z.string(),
  postId: z.string(),
  postOwnerId: z.string(),
  postKind: z.enum(["offer", "request"]),
  postTitle: z.string(),
  category: z.string(),
  candidateId: z.string(),
  /** The candidate's own post the match came through (their offer or request), if any. */
  counterpartPostId: z.optional(z.string()),
  score: z.number(),
  parts: z.record(z.enum(scoreParts), z.number()),
  why: z.array(z.string()),
  status: z.enum(matchStatuses),
  /** Who accepted or declined: the candidate or the post's owner. */
  respondedBy: z.optional(z.string()),
  /** The conversation the exchange starts from, once accepted. */
  conversationId: z.optional(z.string()),
  notifiedAt: z.optional(z.iso.datetime()),
  respondedAt: z.optional(z.iso.datetime()),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Match = z.infer<typeof matchSchema>;

/** Deterministic: a redelivered stream record finds the match it made the first time. */
export function matchIdOf(postId: string, candidateId: string): string {
  return `${postId}_${candidateId}`;
}

/** Match ids in paths: two ids joined by "_". */
export const matchIdSchema = z
  .string()
  .check(z.regex(/^[0-9A-Za-z-]{1,40}_[0-9A-Za-z-]{1,40}$/, "must be a match id"));

/** Statuses a person still sees (declined and closed matches are hidden). */
export function isVisible(match: Match): boolean {
  return match.status !== "declined" && match.status !== "closed";
}

/** A match as either side sees it, with the other person's public name. */
export const matchViewSchema = z.extend(z.omit(matchSchema, { respondedBy: true }), {
  other: z.object({ memberId: z.string(), displayName: z.string() }),
  respondedBy: z.optional(z.string()),
});
export type MatchView = z.infer<typeof matchViewSchema>;
