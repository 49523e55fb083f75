import {
  reportPageSchema,
  reportQueueQuerySchema,
} from "../../../shared/domain/conversations/conversation.ts";
import { listReportQueue } from "../../../shared/domain/conversations/safety.ts";
import { httpRoute } from "../route.ts";

/** The coordinators' queue of reported conversations, oldest first. */
export const handler = httpRoute(
  {
    summary: "Open reports of conversations in an area, oldest first (coordinators)",
    auth: "member",
    staff: true,
    query: reportQueueQuerySchema,
    response: reportPageSchema,
  },
  async ({ deps, actor, query }) => ({ body: await listReportQueue(deps, actor, query) }),
);
