import { idSchema } from "#domain/kernel/ids.ts";
import { changePostStatus } from "#domain/posts/lifecycle.ts";
import { postStatusChangeSchema, postViewSchema, viewPost } from "#domain/posts/post.ts";
import * as z from "#shared/zod.ts";
import { httpRoute } from "../route.ts";

/** Pause, reopen, fulfil or withdraw a post. */
export const handler = httpRoute(
  {
    summary: "Pause, reopen, fulfil or withdraw a post",
    auth: "member",
    actFor: true,
    path: z.object({ postId: idSchema }),
    body: postStatusChangeSchema,
    response: postViewSchema,
    maxBodyBytes: 1024,
  },
  async ({ deps, actor, subject, path, body }) => {
    const post = await changePostStatus(deps, { actor, subject }, path.postId, body.status);
    return { body: viewPost(post, { actor, subject }, deps.city) };
  },
);
