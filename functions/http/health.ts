import * as z from "#shared/zod.ts";
import { httpRoute } from "./route.ts";

export const healthSchema = z.object({ status: z.literal("ok"), city: z.string(), time: z.iso.datetime() });

/** Liveness for monitors and the local runtime: no auth, no database read. */
export const handler = httpRoute(
  { summary: "Liveness check", auth: "public", response: healthSchema },
  async ({ deps }) => ({ body: { status: "ok", city: deps.city.id, time: deps.clock.now().toISOString() } }),
);
