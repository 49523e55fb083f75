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
    { method: "POST", path: "/posts", handler: "functions/http/posts/create.ts", auth: true },
    { method: "GET", path: "/posts", handler: "functions/http/posts/search.ts", auth: true, access: "read" },
    {
      method: "GET",
      path: "/posts/{postId}",
      handler: "functions/http/posts/get.ts",
      auth: true,
      access: "read",
    },
    { method: "PATCH", path: "/posts/{postId}", handler: "functions/http/posts/update.ts", auth: true },
    { method: "POST", path: "/posts/{postId}/status", handler: "functions/http/posts/status.ts", auth: true },
    { method: "GET", path: "/me/posts", handler: "functions/http/posts/mine.ts", auth: true, access: "read" },
    {
      method: "GET",
      path: "/exports/posts.csv",
      handler: "functions/http/posts/export.ts",
      auth: true,
      access: "read",
    },
    // -- exchanges and ledger --
    { method: "POST", path: "/exchanges", handler: "functions/http/exchanges/propose.ts", auth: true },
    {
      method: "GET",
      path: "/exchanges/{exchangeId}",
      handler: "functions/http/exchanges/get.ts",
      auth: true,
      access: "read",
    },
    {
      method: "POST",
      path: "/exchanges/{exchangeId}/transitions",
      handler: "functions/http/exchanges/transition.ts",
      auth: true,
    },
    {
      method: "POST",
      path: "/exchanges/{exchangeId}/resolution",
      handler: "functions/http/exchanges/resolve.ts",
      auth: true,
    },
    {
      method: "GET",
      path: "/me/exchanges",
      handler: "functions/http/exchanges/mine.ts",
      auth: true,
      access: "read",
    },
    {
      method: "GET",
      path: "/me/account",
      handler: "functions/http/accounts/mine.ts",
      auth: true,
      access: "read",
    },
    {
      method: "GET",
      path: "/me/statement",
      handler: "functions/http/accounts/statement.ts",
      auth: true,
      access: "read",
    },
    {
      method: "GET",
      path: "/me/statement.csv",
      handler: "functions/http/accounts/statement-csv.ts",
      auth: true,
      access: "read",
    },
    {
      method: "PUT",
      path: "/accounts/{accountId}/limits",
      handler: "functions/http/accounts/limits.ts",
      auth: true,
    },
    { method: "GET", path: "/pot", handler: "functions/http/accounts/pot.ts", auth: true, access: "read" },
    { method: "POST", path: "/pot/donations", handler: "functions/http/accounts/donate.ts", auth: true },
    { method: "POST", path: "/pot/grants", handler: "functions/http/accounts/grant.ts", auth: true },
    {
      method: "POST",
      path: "/transfers/{transferId}/reversal",
      handler: "functions/http/transfers/reverse.ts",
      auth: true,
    },
    {
      method: "POST",
      path: "/organisations/{memberId}/awards",
      handler: "functions/http/organisations-awards/award.ts",
      auth: true,
    },
    {
      method: "POST",
      path: "/organisations/{memberId}/activities",
      handler: "functions/http/activities/publish.ts",
      auth: true,
    },
    {
      method: "GET",
      path: "/activities",
      handler: "functions/http/activities/list.ts",
      auth: true,
      access: "read",
    },
    {
      method: "POST",
      path: "/activities/{activityId}/redemptions",
      handler: "functions/http/activities/redeem.ts",
      auth: true,
    },
    {
      method: "GET",
      path: "/reports/ledger",
      handler: "functions/http/reports/ledger.ts",
      auth: true,
      access: "read",
    },
    {
      method: "GET",
      path: "/reports/ledger.csv",
      handler: "functions/http/reports/ledger-csv.ts",
      auth: true,
      access: "read",
    },
    // -- matching --
    {
      method: "GET",
      path: "/me/matches",
      handler: "functions/http/matches/mine.ts",
      auth: true,
      access: "read",
    },
    {
      method: "GET",
      path: "/posts/{postId}/matches",
      handler: "functions/http/matches/for-post.ts",
      auth: true,
      access: "read",
    },
    {
      method: "POST",
      path: "/matches/{matchId}/answer",
      handler: "functions/http/matches/respond.ts",
      auth: true,
    },
  ],
  notFound: "functions/http/not-found.ts",
  consumers: [
    // -- matching --
    {
      name: "match-index",
      handler: "functions/streams/match-index.ts",
      batchSize: 50,
      maxRetries: 5,
      filter: { entities: ["Member", "Post"] },
    },
    {
      name: "matching",
      handler: "functions/streams/matching.ts",
      batchSize: 10,
      maxRetries: 5,
      filter: { entities: ["Post"] },
    },
    {
      name: "match-signals",
      handler: "functions/streams/match-signals.ts",
      batchSize: 50,
      maxRetries: 5,
      filter: { entities: ["Exchange", "Match", "AccountBook"], eventNames: ["MODIFY"] },
    },
    // -- exchanges and ledger --
    {
      name: "ledger-reports",
      handler: "functions/streams/ledger-reports.ts",
      batchSize: 100,
      maxRetries: 5,
      filter: { entities: ["Transfer"], eventNames: ["INSERT"] },
    },
    {
      name: "ledger-guard",
      handler: "functions/streams/ledger-guard.ts",
      batchSize: 100,
      maxRetries: 3,
      filter: { entities: ["JournalLine", "Transfer"], eventNames: ["MODIFY"] },
    },
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
    // -- matching --
    { name: "match-follow-up", handler: "functions/schedules/match-follow-up.ts", everyMinutes: 60 },
    { name: "dormant-nudge", handler: "functions/schedules/dormant-nudge.ts", everyMinutes: 7 * 24 * 60 },
    { name: "city-stats", handler: "functions/schedules/city-stats.ts", everyMinutes: 24 * 60 },
    // -- exchanges and ledger --
    { name: "ledger-audit", handler: "functions/schedules/ledger-audit.ts", everyMinutes: 24 * 60 },
    {
      name: "exchange-auto-confirm",
      handler: "functions/schedules/exchange-auto-confirm.ts",
      everyMinutes: 60,
    },
    // -- posts and search --
    { name: "post-expiry", handler: "functions/schedules/post-expiry.ts", everyMinutes: 60 },
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
