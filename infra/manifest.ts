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
  /**
   * "read" when the handler never writes, so its function gets read-only table access. Default
   * read and write: a missing write grant would only show up in AWS, where IAM applies.
   */
  access?: "read";
}

export interface StreamConsumerEntry {
  name: string;
  handler: string;
  /** Records per invocation. */
  batchSize: number;
  /** Attempts per record before it is parked (locally) or sent to the on-failure queue (AWS). */
  maxRetries: number;
  /**
   * Only records whose new image has one of these `entity` values (and, if given, one of these
   * event names) reach the consumer: a Lambda event filter in AWS, the same test locally.
   */
  filter?: { entities: readonly string[]; eventNames?: readonly ("INSERT" | "MODIFY")[] };
  /** Outside channels the consumer sends on; the stack grants SES (email) and SNS (sms) for them. */
  sends?: readonly ("email" | "sms")[];
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
    { method: "GET", path: "/health", handler: "functions/http/health.ts", auth: false, access: "read" },
    { method: "GET", path: "/me", handler: "functions/http/me.ts", auth: true, access: "read" },
    // -- membership, profiles, organisations, inbox, coordinators --
    { method: "POST", path: "/members/join", handler: "functions/http/members/join.ts", auth: true },
    {
      method: "GET",
      path: "/members",
      handler: "functions/http/members/list.ts",
      auth: true,
      access: "read",
    },
    { method: "POST", path: "/members", handler: "functions/http/members/register.ts", auth: true },
    {
      method: "GET",
      path: "/members/{memberId}",
      handler: "functions/http/members/get.ts",
      auth: true,
      access: "read",
    },
    {
      method: "POST",
      path: "/members/{memberId}/status",
      handler: "functions/http/members/status.ts",
      auth: true,
    },
    {
      method: "PUT",
      path: "/members/{memberId}/verified",
      handler: "functions/http/members/verified.ts",
      auth: true,
    },
    {
      method: "PUT",
      path: "/members/{memberId}/roles",
      handler: "functions/http/members/roles.ts",
      auth: true,
    },
    {
      method: "GET",
      path: "/members/{memberId}/audit",
      handler: "functions/http/members/audit.ts",
      auth: true,
      access: "read",
    },
    { method: "POST", path: "/organisations", handler: "functions/http/organisations/create.ts", auth: true },
    {
      method: "PUT",
      path: "/organisations/{memberId}/admins",
      handler: "functions/http/organisations/admins.ts",
      auth: true,
    },
    { method: "PATCH", path: "/me/profile", handler: "functions/http/me/profile.ts", auth: true },
    { method: "GET", path: "/me/export", handler: "functions/http/me/export.ts", auth: true, access: "read" },
    { method: "POST", path: "/me/close", handler: "functions/http/me/close.ts", auth: true },
    { method: "GET", path: "/me/inbox", handler: "functions/http/me/inbox.ts", auth: true, access: "read" },
    {
      method: "POST",
      path: "/me/inbox/{notificationId}/read",
      handler: "functions/http/me/inbox-read.ts",
      auth: true,
    },
    {
      method: "GET",
      path: "/exports/members.csv",
      handler: "functions/http/exports/members-csv.ts",
      auth: true,
      access: "read",
    },
    // -- posts and search --
    // -- exchanges and ledger --
  ],
  notFound: "functions/http/not-found.ts",
  consumers: [
    // -- exchanges and ledger --
    { name: "audit-trail", handler: "functions/streams/audit-trail.ts", batchSize: 50, maxRetries: 3 },
    {
      name: "notification-channels",
      handler: "functions/streams/notification-channels.ts",
      batchSize: 25,
      maxRetries: 5,
      filter: { entities: ["Notification"], eventNames: ["INSERT"] },
      sends: ["email", "sms"],
    },
  ],
  schedules: [
    { name: "city-stats", handler: "functions/schedules/city-stats.ts", everyMinutes: 24 * 60 },
    // -- exchanges and ledger --
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

/** Whether a stream record passes a consumer's filter (the local twin of Lambda's event filter). */
export function passesFilter(
  entry: StreamConsumerEntry,
  record: { eventName?: string; newEntity?: unknown },
): boolean {
  if (!entry.filter) return true;
  const { entities, eventNames } = entry.filter;
  if (eventNames && !eventNames.some((name) => name === record.eventName)) return false;
  return typeof record.newEntity === "string" && entities.includes(record.newEntity);
}

/**
 * The table access a handler module's function needs: "read" only if every entry naming it is
 * marked read-only (the 404 route reads nothing).
 */
export function tableAccessOf(handler: string, m: Manifest = manifest): "read" | "readWrite" {
  if (handler === m.notFound) return "read";
  const entries = m.routes.filter((r) => r.handler === handler);
  if (entries.length > 0 && entries.every((r) => r.access === "read")) return "read";
  return "readWrite";
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
