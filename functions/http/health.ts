import { httpRoute } from "./stack.ts";

/** Liveness for load balancers and the local runtime: no auth, no database read. */
export const handler = httpRoute({ auth: "public" }, async ({ deps }) => ({
  body: { status: "ok", city: deps.city.id, time: deps.clock.now().toISOString() },
}));
