import { idSchema } from "#domain/kernel/ids.ts";
import * as z from "#shared/zod.ts";
import { httpRoute } from "../route.ts";

/** Mark one of my notifications read (idempotent). */
export const handler = httpRoute(
  {
    summary: "Mark a notification read",
    auth: "member",
    actFor: true,
    path: z.object({ notificationId: idSchema }),
    response: z.object({ notificationId: z.string(), read: z.literal(true) }),
  },
  async ({ deps, subject, path }) => {
    await deps.inbox.markRead(subject.memberId, path.notificationId, deps.clock.now().toISOString());
    return { body: { notificationId: path.notificationId, read: true } };
  },
);
