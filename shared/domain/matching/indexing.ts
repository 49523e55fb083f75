import type { Deps } from "#domain/deps.ts";
import type { Member } from "#domain/membership/member.ts";
import type { Post } from "#domain/posts/post.ts";
import { freshProfile, memberProfile, settledProfile, signalSteps } from "./digest.ts";
import { entriesForMember, entriesForPost } from "./index-entries.ts";

type IndexDeps = Pick<Deps, "city" | "members" | "matchIndex" | "signals">;

/**
 * Keeps a member's skill entries and profile in the cell digests in step with their member item
 * (`member` is its state now; undefined when it is gone).
 */
export async function indexMember(deps: IndexDeps, memberId: string, member: Member | undefined) {
  const signals = (await deps.signals.getMany([memberId], { consistent: true })).get(memberId);
  const fresh = freshProfile(member, signals);
  await deps.matchIndex.replace({
    memberId,
    source: "SKILL",
    next: member ? entriesForMember(member, deps.city) : [],
    shards: deps.city.matching.digestShards,
    settle: (stored) => settledProfile(stored, fresh),
  });
}

/**
 * Keeps a post's entry in the cell digests in step with the post (`post` is its state now;
 * undefined when it is gone), and its owner's profile with it.
 */
export async function indexPost(
  deps: IndexDeps,
  ref: Pick<Post, "ownerId" | "postId">,
  post: Post | undefined,
) {
  const [owner, signals] = await Promise.all([
    deps.members.get(ref.ownerId),
    deps.signals.getMany([ref.ownerId], { consistent: true }),
  ]);
  const fresh = freshProfile(owner, signals.get(ref.ownerId));
  await deps.matchIndex.replace({
    memberId: ref.ownerId,
    source: ref.postId,
    next: post ? entriesForPost(post) : [],
    shards: deps.city.matching.digestShards,
    settle: (stored) => settledProfile(stored, fresh),
  });
}

/**
 * After a member's signals changed: their digests' rounded signals are rewritten only when a step
 * rose, or fell by two (see `settledProfile`), so a bound stays a bound at a fraction of the writes.
 */
export async function refreshDigestSignals(
  deps: Pick<IndexDeps, "matchIndex" | "signals">,
  memberId: string,
) {
  const signals = (await deps.signals.getMany([memberId], { consistent: true })).get(memberId);
  // What the member item says stays as stored: only the member's own changes rewrite it.
  await deps.matchIndex.reprofile(memberId, (stored) =>
    settledProfile(stored, { ...stored, ...signalSteps(signals) }),
  );
}

/**
 * After a member's own change (languages, verification, whom they block, their windows, their
 * standing), their profile is rewritten in every digest they are in at once, as part of the
 * change, not a moment later by the index consumer: until then a digest that knew fewer of their
 * languages, or not yet that they are verified, would bound their score below what it is, and
 * matching would miss them. Their signals' steps stay as stored; nothing is written when the
 * profile is the same, or when they are in no digest (the index consumer adds them).
 */
export async function reprofileMember(deps: Pick<IndexDeps, "matchIndex">, member: Member) {
  await deps.matchIndex.reprofile(member.memberId, (stored) => ({ ...stored, ...memberProfile(member) }));
}
