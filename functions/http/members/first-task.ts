import { idSchema } from "#domain/kernel/ids.ts";
import { firstTaskSchema, suggestFirstTask } from "#domain/matching/first-task.ts";
import * as z from "#shared/zod.ts";
import { httpRoute } from "../route.ts";

/** A coordinator suggests a first task to a member in scope: the nearest open request in their skills. */
export const handler = httpRoute(
  {
    summary: "Suggest a first task to a member who has never exchanged (coordinators in scope)",
    auth: "member",
    staff: true,
    path: z.object({ memberId: idSchema }),
    response: firstTaskSchema,
  },
  async ({ deps, actor, path }) => ({ body: await suggestFirstTask(deps, actor, path.memberId) }),
);
