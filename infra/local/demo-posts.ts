import type { Deps } from "#domain/deps.ts";
import { createPost } from "#domain/posts/lifecycle.ts";
import type { NewPost } from "#domain/posts/post.ts";

export interface DemoPost {
  /** The demo member who posts it. */
  by: string;
  /** An organisation (or member) the poster acts for, by handle. */
  for?: string;
  post: NewPost;
  /** What a newcomer would use it for. */
  about: string;
}

const weekly = (day: number, from: string, to: string) => ({
  type: "weekly" as const,
  windows: [{ day, from, to }],
});

/** A few offers and requests, so search, distance and the sensitive rule have something to show. */
export const demoPosts: readonly DemoPost[] = [
  {
    by: "amira",
    post: {
      kind: "offer",
      title: "Vegetable garden help",
      description: "Weeding, sowing and watering in your garden or allotment. I bring gloves.",
      category: "gardening",
      tags: ["vegetables", "allotment"],
      where: { type: "your-place" },
      availability: weekly(5, "09:00", "12:00"),
      estimatedMinutes: 120,
    },
    about: "an offer near Old Town, placed at Amira's coarse home cell",
  },
  {
    by: "amira",
    for: "kitchen",
    post: {
      kind: "request",
      title: "Volunteers for the Saturday soup kitchen",
      description: "Chopping, serving and washing up; lunch included.",
      category: "cooking",
      tags: ["soup", "volunteering"],
      where: { type: "point", point: { lat: 50.8489, lon: 4.3547 } },
      availability: weekly(5, "10:00", "14:00"),
      estimatedMinutes: 240,
      capacity: 6,
    },
    about: "a group request by an organisation, made by its admin",
  },
  {
    by: "ben",
    post: {
      kind: "offer",
      title: "Bike repairs and puncture fixing",
      description: "Brakes, gears, punctures. Bring the bike to mine.",
      category: "diy-repairs",
      tags: ["bicycles", "repair"],
      where: { type: "my-place" },
      availability: weekly(5, "10:00", "16:00"),
      estimatedMinutes: 60,
    },
    about: "an offer in Canal Side",
  },
  {
    by: "ben",
    post: {
      kind: "request",
      title: "Lift to the hospital on Tuesdays",
      category: "transport",
      tags: ["hospital"],
      where: { type: "your-place" },
      availability: weekly(1, "08:00", "10:00"),
      estimatedMinutes: 90,
    },
    about: "a request to find by words (q=hospital)",
  },
  {
    by: "chen",
    post: {
      kind: "offer",
      title: "Help with smartphones and email",
      category: "digital-help",
      tags: ["smartphones", "email"],
      where: { type: "online" },
      estimatedMinutes: 45,
    },
    about: "an online offer (where=online)",
  },
  {
    by: "chen",
    post: {
      kind: "request",
      title: "Dutch conversation practice",
      category: "languages",
      tags: ["dutch", "nederlands"],
      where: { type: "online" },
      estimatedMinutes: 60,
    },
    about: "an online request",
  },
  {
    by: "amira",
    post: {
      kind: "request",
      title: "Babysitter for Wednesday afternoons",
      category: "childcare",
      where: { type: "my-place" },
      availability: weekly(2, "14:00", "18:00"),
      estimatedMinutes: 180,
    },
    about: "a sensitive post: verified members see it, a newcomer does not",
  },
  {
    by: "emil",
    post: {
      kind: "offer",
      title: "Guided walks around Hillcrest",
      category: "sport-wellbeing",
      tags: ["walking", "nature"],
      where: { type: "point", point: { lat: 50.8312, lon: 4.3905 } },
      estimatedMinutes: 90,
      capacity: 12,
    },
    about: "a group offer in Hillcrest",
  },
];

/**
 * Posts the demo posts through the same use-case the routes call, as their demo members.
 * Call after seedDemoCity with the ids it returned. Returns the post ids in order.
 * @throws Error when a demo member named by a post is missing.
 */
export async function seedDemoPosts(
  deps: Pick<Deps, "city" | "clock" | "ids" | "posts" | "inbox" | "members">,
  memberIds: Record<string, string>,
): Promise<string[]> {
  const load = async (handle: string) => {
    const member = await deps.members.get(memberIds[handle] ?? "");
    if (!member) throw new Error(`demo member ${handle} is missing: seed the demo city first`);
    return member;
  };
  const postIds: string[] = [];
  for (const demo of demoPosts) {
    const actor = await load(demo.by);
    const subject = demo.for ? await load(demo.for) : actor;
    postIds.push((await createPost(deps, { actor, subject }, demo.post)).postId);
  }
  return postIds;
}
