import { listQuietMembers, quietPageSchema, quietQuerySchema } from "#domain/matching/first-task.ts";
import { httpRoute } from "../route.ts";

/** Members in my areas who have never exchanged: who might need a first task. */
export const handler = httpRoute(
  {
    summary: "Active residents in my areas who have never exchanged (coordinators)",
    auth: "member",
    staff: true,
    query: quietQuerySchema,
    response: quietPageSchema,
  },
  async ({ deps, actor, query }) => ({ body: await listQuietMembers(deps, actor, query) }),
);
