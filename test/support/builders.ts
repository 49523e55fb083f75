import type { Deps } from "#domain/deps.ts";
import { type Exchange, exchangeSchema } from "#domain/exchanges/exchange.ts";
import { type Member, type NewMember, newMember } from "#domain/membership/member.ts";
import { type Post, postSchema } from "#domain/posts/post.ts";
import { postWordsOf } from "#domain/posts/search/text.ts";
import { demoSubject } from "../../infra/local/demo.ts";

/**
 * Members, posts and exchanges for tests, built through the domain's own schemas so each one is
 * valid as stored. Every builder takes the fields a test cares about and fills the rest with
 * plain, fixed values: a test names what its assertions depend on.
 */

/** When built objects were made and last changed, unless a test says otherwise. */
export const builtAt = "2026-01-01T00:00:00.000Z";

/**
 * An active resident of Old Town who speaks English (an organisation when `kind` says so, a venue
 * unless `organisationType` says otherwise).
 */
export function aMember(fields: Partial<NewMember> = {}): Member {
  const memberId = fields.memberId ?? "m";
  return newMember({
    memberId,
    kind: "person",
    displayName: `Member ${memberId}`,
    status: "active",
    roles: ["resident"],
    coordinatorAreas: [],
    area: "old-town",
    languages: ["en"],
    ...(fields.kind === "organisation" ? { organisationType: "venue" as const } : {}),
    createdAt: builtAt,
    updatedAt: builtAt,
    ...fields,
  });
}

/**
 * Stores `aMember(fields)` in a city through its member repository, made now (the clock of a test
 * city is the real one). With `login`, that login name signs in as the member (demo subjects).
 */
export async function storeMember(
  city: { runtime: { deps: Pick<Deps, "members"> } } | Pick<Deps, "members">,
  fields: Partial<NewMember> & { memberId: string },
  options: { login?: string } = {},
): Promise<Member> {
  const deps = "runtime" in city ? city.runtime.deps : city;
  const now = new Date().toISOString();
  const member = aMember({ createdAt: now, updatedAt: now, ...fields });
  await deps.members.create(member, options.login === undefined ? undefined : demoSubject(options.login));
  return member;
}

const bikeRepairPoint = { lat: 50.85, lon: 4.35 };

/**
 * An open offer of an hour of bike repair at a point in the city, owned and made by `owner`; its
 * search words and location follow its title, tags and place unless given.
 */
export function aPost(fields: Partial<Post> = {}): Post {
  const ownerId = fields.ownerId ?? "owner";
  const title = fields.title ?? "Bike repair";
  const tags = fields.tags ?? [];
  const where = fields.where ?? { type: "point" as const, point: bikeRepairPoint };
  return postSchema.parse({
    postId: "01POST",
    ownerId,
    kind: "offer",
    title,
    description: "",
    category: "diy-repairs",
    tags,
    where,
    ...(where.type === "point" ? { location: where.point } : {}),
    estimatedMinutes: 60,
    capacity: 1,
    expiresAt: "2026-01-31T00:00:00.000Z",
    sensitive: false,
    status: "open",
    area: "old-town",
    words: postWordsOf(title, tags),
    createdAt: builtAt,
    updatedAt: builtAt,
    createdBy: ownerId,
    updatedBy: ownerId,
    ...fields,
  });
}

/** When the sample exchange was proposed and last changed. */
export const exchangeAt = "2025-03-01T10:00:00.000Z";

/** A workshop proposed by Pia (provider `p`) for Rob and Rae (receivers `r1`, `r2`), an hour each. */
export function anExchange(fields: Partial<Exchange> = {}): Exchange {
  return exchangeSchema.parse({
    exchangeId: "E1",
    status: "proposed",
    parties: [
      { memberId: "p", role: "provider", kind: "person", displayName: "Pia", area: "old-town" },
      { memberId: "r1", role: "receiver", kind: "person", displayName: "Rob", area: "old-town" },
      { memberId: "r2", role: "receiver", kind: "person", displayName: "Rae", area: "old-town" },
    ],
    legs: [
      { providerId: "p", receiverId: "r1", agreedMinutes: 60 },
      { providerId: "p", receiverId: "r2", agreedMinutes: 60 },
    ],
    proposedBy: "p",
    category: "cooking",
    area: "old-town",
    acceptedBy: [],
    confirmedBy: [],
    createdAt: exchangeAt,
    updatedAt: exchangeAt,
    statusAt: exchangeAt,
    updatedBy: "p",
    version: 1,
    ...fields,
  });
}
