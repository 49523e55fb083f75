import { idSchema } from "#domain/kernel/ids.ts";
import { getPost } from "#domain/posts/lifecycle.ts";
import { postViewSchema, viewPost } from "#domain/posts/post.ts";
import * as z from "#shared/zod.ts";
import { httpRoute } from "../route.ts";

/** One post; sensitive posts read as not found unless the caller may see them. */
export const handler = httpRoute(
  {
    summary: "See a post",
    auth: "member",
    actFor: true,
    path: z.object({ postId: idSchema }),
    response: postViewSchema,
  },
  async ({ deps, actor, subject, path }) => {
    const post = await getPost(deps, { actor, subject }, path.postId);
    return { body: viewPost(post, { actor, subject }, deps.city) };
  },
);
