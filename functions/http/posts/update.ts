import { idSchema } from "#domain/kernel/ids.ts";
import { updatePost } from "#domain/posts/lifecycle.ts";
import { postPatchSchema, postRules, postViewSchema, viewPost } from "#domain/posts/post.ts";
import * as z from "#shared/zod.ts";
import { httpRoute } from "../route.ts";

/** Edit an open or paused post (its owner's side, or a coordinator for its area). */
export const handler = httpRoute(
  {
    summary: "Edit a post, or extend it with a new expiresAt",
    auth: "member",
    actFor: true,
    path: z.object({ postId: idSchema }),
    body: postPatchSchema,
    response: postViewSchema,
    maxBodyBytes: postRules.maxBodyBytes,
  },
  async ({ deps, actor, subject, path, body }) => {
    const post = await updatePost(deps, { actor, subject }, path.postId, body);
    return { body: viewPost(post, { actor, subject }, deps.city) };
  },
);
