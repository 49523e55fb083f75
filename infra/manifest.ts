/**
 * The one list of how Mutua's functions meet the world. The CDK stack (infra/aws) and the local
 * runtime (infra/local) both read it; nothing else declares a route, consumer or schedule.
 * Handler paths are relative to the repository root and export `handler`.
 */
export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface HttpRouteEntry {
  method: HttpMethod;
  /** API Gateway path syntax: `/posts/{postId}`. */
  path: string;
  handler: string;
  /** true: the gateway demands a valid JWT and passes its claims to the handler. */
  auth: boolean;
}

export interface StreamConsumerEntry {
  name: string;
  handler: string;
  /** Records per invocation. */
  batchSize: number;
  /** Attempts per record before it is parked (locally) or sent to the on-failure queue (AWS). */
  maxRetries: number;
}

export interface ScheduleEntry {
  name: string;
  handler: string;
  /** Minutes between runs. */
  everyMinutes: number;
}

export interface Manifest {
  routes: readonly HttpRouteEntry[];
  /** Serves every request no route matches, so unknown paths get Mutua's 404 body. */
  notFound: string;
  consumers: readonly StreamConsumerEntry[];
  schedules: readonly ScheduleEntry[];
}

export const manifest: Manifest = {
  routes: [
    { method: "GET", path: "/health", handler: "functions/http/health.ts", auth: false },
    { method: "GET", path: "/me", handler: "functions/http/me.ts", auth: true },
    // -- membership, profiles, organisations, inbox, coordinators --
    // -- posts and search --
  ],
  notFound: "functions/http/not-found.ts",
  consumers: [
    { name: "audit-trail", handler: "functions/streams/audit-trail.ts", batchSize: 50, maxRetries: 3 },
  ],
  schedules: [
    { name: "city-stats", handler: "functions/schedules/city-stats.ts", everyMinutes: 24 * 60 },
    // -- posts and search --
  ],
};

/** A stable, readable name for a handler module: `functions/http/me.ts` -> `http-me`. */
export function functionName(handler: string): string {
  return handler
    .replace(/^functions\//, "")
    .replace(/\.ts$/, "")
    .replace(/[^a-zA-Z0-9]+/g, "-");
}

/** Every distinct handler module in the manifest. */
export function handlerModules(m: Manifest = manifest): string[] {
  return [
    ...new Set([
      ...m.routes.map((r) => r.handler),
      m.notFound,
      ...m.consumers.map((c) => c.handler),
      ...m.schedules.map((s) => s.handler),
    ]),
  ];
}
