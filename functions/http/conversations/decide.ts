import { idSchema } from "#domain/kernel/ids.ts";
import * as z from "#shared/zod.ts";
import {
  conversationIdSchema,
  decisionSchema,
  reportViewSchema,
} from "../../../shared/domain/conversations/conversation.ts";
import { decideReport } from "../../../shared/domain/conversations/safety.ts";
import { httpRoute } from "../route.ts";

/** A coordinator in scope warns, suspends or dismisses on a report (audited). */
export const handler = httpRoute(
  {
    summary: "Decide on a reported conversation: warn, suspend or dismiss (coordinators in scope)",
    auth: "member",
    staff: true,
    path: z.object({ conversationId: conversationIdSchema, reportId: idSchema }),
    body: decisionSchema,
    response: reportViewSchema,
  },
  async ({ deps, actor, path, body }) => ({
    body: await decideReport(deps, actor, path.conversationId, path.reportId, body),
  }),
);
