import { createPost } from "#domain/posts/lifecycle.ts";
import { newPostSchema, postRules, postViewSchema, viewPost } from "#domain/posts/post.ts";
import { httpRoute } from "../route.ts";

/** Post an offer or request; with x-act-for, for an organisation I run or a member I help. */
export const handler = httpRoute(
  {
    summary: "Post an offer or a request",
    auth: "member",
    actFor: true,
    // A new offer or request waits for the member's consent to the terms in force.
    consent: "required",
    body: newPostSchema,
    response: postViewSchema,
    status: 201,
    maxBodyBytes: postRules.maxBodyBytes,
  },
  async ({ deps, actor, subject, body }) => {
    const post = await createPost(deps, { actor, subject }, body);
    return { body: viewPost(post, { actor, subject }, deps.city) };
  },
);
