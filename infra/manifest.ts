/**
 * The one list of how Mutua's functions meet the world. The CDK stack (infra/aws) and the local
 * runtime (infra/local) both read it; nothing else declares a route, consumer or schedule.
 * Handler paths are relative to the repository root and export `handler`.
 */
export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * The Lambda functions that serve HTTP routes, one per feature. A CloudFormation stack holds at
 * most 500 resources and each function costs several (function, role, policy, log group,
 * integration, permission), so routes share a function by feature rather than one each.
 */
export type HttpFunctionName = "public" | "members" | "posts" | "exchanges" | "ledger" | "matching";

export interface HttpRouteEntry {
  method: HttpMethod;
  /** API Gateway path syntax: `/posts/{postId}`. */
  path: string;
  handler: string;
  /** The feature function that serves the route in AWS (locally every route runs on its own). */
  fn: HttpFunctionName;
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
  /** What one run does, in a sentence (`npm run schedule` lists it). */
  about: string;
}

export interface Manifest {
  routes: readonly HttpRouteEntry[];
  /**
   * Serves every request no route matches, so unknown paths get Mutua's 404 body; `fn` is the
   * function the gateway's `$default` route goes to.
   */
  notFound: { handler: string; fn: HttpFunctionName };
  consumers: readonly StreamConsumerEntry[];
  schedules: readonly ScheduleEntry[];
}

export const manifest: Manifest = {
  routes: [
    {
      method: "GET",
      path: "/health",
      handler: "functions/http/health.ts",
      fn: "public",
      auth: false,
      access: "read",
    },
    {
      method: "GET",
      path: "/me",
      handler: "functions/http/me/get.ts",
      fn: "members",
      auth: true,
      access: "read",
    },
    // -- membership, profiles, organisations, inbox, coordinators --
    {
      method: "POST",
      path: "/members/join",
      handler: "functions/http/members/join.ts",
      fn: "members",
      auth: true,
    },
    {
      method: "GET",
      path: "/members",
      handler: "functions/http/members/list.ts",
      fn: "members",
      auth: true,
      access: "read",
    },
    {
      method: "POST",
      path: "/members",
      handler: "functions/http/members/register.ts",
      fn: "members",
      auth: true,
    },
    {
      method: "GET",
      path: "/members/{memberId}",
      handler: "functions/http/members/get.ts",
      fn: "members",
      auth: true,
      access: "read",
    },
    {
      method: "POST",
      path: "/members/{memberId}/status",
      handler: "functions/http/members/status.ts",
      fn: "members",
      auth: true,
    },
    {
      method: "PUT",
      path: "/members/{memberId}/verified",
      handler: "functions/http/members/verified.ts",
      fn: "members",
      auth: true,
    },
    {
      method: "PUT",
      path: "/members/{memberId}/roles",
      handler: "functions/http/members/roles.ts",
      fn: "members",
      auth: true,
    },
    {
      method: "GET",
      path: "/members/{memberId}/audit",
      handler: "functions/http/members/audit.ts",
      fn: "members",
      auth: true,
      access: "read",
    },
    {
      method: "POST",
      path: "/organisations",
      handler: "functions/http/organisations/create.ts",
      fn: "members",
      auth: true,
    },
    {
      method: "PUT",
      path: "/organisations/{memberId}/admins",
      handler: "functions/http/organisations/admins.ts",
      fn: "members",
      auth: true,
    },
    {
      method: "PATCH",
      path: "/me/profile",
      handler: "functions/http/me/profile.ts",
      fn: "members",
      auth: true,
    },
    {
      method: "GET",
      path: "/me/export",
      handler: "functions/http/me/export.ts",
      fn: "members",
      auth: true,
      access: "read",
    },
    { method: "POST", path: "/me/close", handler: "functions/http/me/close.ts", fn: "members", auth: true },
    {
      method: "GET",
      path: "/me/inbox",
      handler: "functions/http/me/inbox.ts",
      fn: "members",
      auth: true,
      access: "read",
    },
    {
      method: "POST",
      path: "/me/inbox/{notificationId}/read",
      handler: "functions/http/me/inbox-read.ts",
      fn: "members",
      auth: true,
    },
    {
      method: "GET",
      path: "/exports/members.csv",
      handler: "functions/http/exports/members-csv.ts",
      fn: "members",
      auth: true,
      access: "read",
    },
    // -- posts and search --
    { method: "POST", path: "/posts", handler: "functions/http/posts/create.ts", fn: "posts", auth: true },
    {
      method: "GET",
      path: "/posts",
      handler: "functions/http/posts/search.ts",
      fn: "posts",
      auth: true,
      access: "read",
    },
    {
      method: "GET",
      path: "/posts/{postId}",
      handler: "functions/http/posts/get.ts",
      fn: "posts",
      auth: true,
      access: "read",
    },
    {
      method: "PATCH",
      path: "/posts/{postId}",
      handler: "functions/http/posts/update.ts",
      fn: "posts",
      auth: true,
    },
    {
      method: "POST",
      path: "/posts/{postId}/status",
      handler: "functions/http/posts/status.ts",
      fn: "posts",
      auth: true,
    },
    {
      method: "GET",
      path: "/me/posts",
      handler: "functions/http/me/posts.ts",
      fn: "posts",
      auth: true,
      access: "read",
    },
    {
      method: "GET",
      path: "/exports/posts.csv",
      handler: "functions/http/exports/posts-csv.ts",
      fn: "posts",
      auth: true,
      access: "read",
    },
    // -- exchanges and ledger --
    {
      method: "POST",
      path: "/exchanges",
      handler: "functions/http/exchanges/propose.ts",
      fn: "exchanges",
      auth: true,
    },
    {
      method: "GET",
      path: "/exchanges",
      handler: "functions/http/exchanges/queue.ts",
      fn: "exchanges",
      auth: true,
      access: "read",
    },
    {
      method: "GET",
      path: "/exchanges/{exchangeId}",
      handler: "functions/http/exchanges/get.ts",
      fn: "exchanges",
      auth: true,
      access: "read",
    },
    {
      method: "POST",
      path: "/exchanges/{exchangeId}/transitions",
      handler: "functions/http/exchanges/transition.ts",
      fn: "exchanges",
      auth: true,
    },
    {
      method: "POST",
      path: "/exchanges/{exchangeId}/resolution",
      handler: "functions/http/exchanges/resolve.ts",
      fn: "exchanges",
      auth: true,
    },
    {
      method: "GET",
      path: "/me/exchanges",
      handler: "functions/http/me/exchanges.ts",
      fn: "exchanges",
      auth: true,
      access: "read",
    },
    {
      method: "GET",
      path: "/me/account",
      handler: "functions/http/me/account.ts",
      fn: "ledger",
      auth: true,
      access: "read",
    },
    {
      method: "GET",
      path: "/me/statement",
      handler: "functions/http/me/statement.ts",
      fn: "ledger",
      auth: true,
      access: "read",
    },
    {
      method: "GET",
      path: "/me/statement.csv",
      handler: "functions/http/me/statement-csv.ts",
      fn: "ledger",
      auth: true,
      access: "read",
    },
    {
      method: "PUT",
      path: "/accounts/{accountId}/limits",
      handler: "functions/http/accounts/limits.ts",
      fn: "ledger",
      auth: true,
    },
    {
      method: "GET",
      path: "/pot",
      handler: "functions/http/pot/get.ts",
      fn: "ledger",
      auth: true,
      access: "read",
    },
    {
      method: "POST",
      path: "/pot/donations",
      handler: "functions/http/pot/donate.ts",
      fn: "ledger",
      auth: true,
    },
    {
      method: "POST",
      path: "/pot/grants",
      handler: "functions/http/pot/grant.ts",
      fn: "ledger",
      auth: true,
    },
    {
      method: "POST",
      path: "/transfers/{transferId}/reversal",
      handler: "functions/http/transfers/reverse.ts",
      fn: "ledger",
      auth: true,
    },
    {
      method: "POST",
      path: "/organisations/{memberId}/awards",
      handler: "functions/http/organisations/award.ts",
      fn: "ledger",
      auth: true,
    },
    {
      method: "POST",
      path: "/organisations/{memberId}/activities",
      handler: "functions/http/organisations/publish-activity.ts",
      fn: "ledger",
      auth: true,
    },
    {
      method: "GET",
      path: "/activities",
      handler: "functions/http/activities/list.ts",
      fn: "ledger",
      auth: true,
      access: "read",
    },
    {
      method: "POST",
      path: "/activities/{activityId}/redemptions",
      handler: "functions/http/activities/redeem.ts",
      fn: "ledger",
      auth: true,
    },
    {
      method: "GET",
      path: "/reports/ledger",
      handler: "functions/http/reports/ledger.ts",
      fn: "ledger",
      auth: true,
      access: "read",
    },
    {
      method: "GET",
      path: "/reports/ledger.csv",
      handler: "functions/http/reports/ledger-csv.ts",
      fn: "ledger",
      auth: true,
      access: "read",
    },
    // -- matching --
    {
      method: "GET",
      path: "/me/matches",
      handler: "functions/http/me/matches.ts",
      fn: "matching",
      auth: true,
      access: "read",
    },
    {
      method: "GET",
      path: "/posts/{postId}/matches",
      handler: "functions/http/posts/matches.ts",
      fn: "matching",
      auth: true,
      access: "read",
    },
    {
      method: "POST",
      path: "/matches/{matchId}/answer",
      handler: "functions/http/matches/respond.ts",
      fn: "matching",
      auth: true,
    },
  ],
  notFound: { handler: "functions/http/not-found.ts", fn: "public" },
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
      name: "exchange-queue",
      handler: "functions/streams/exchange-queue.ts",
      batchSize: 25,
      maxRetries: 5,
      filter: { entities: ["Exchange"], eventNames: ["INSERT", "MODIFY"] },
    },
    {
      name: "post-fulfilment",
      handler: "functions/streams/post-fulfilment.ts",
      batchSize: 25,
      maxRetries: 5,
      filter: { entities: ["Exchange"], eventNames: ["MODIFY"] },
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
      filter: { entities: ["Notification", "NoticeRelease"], eventNames: ["INSERT"] },
      sends: ["email", "sms"],
    },
  ],
  schedules: [
    // -- matching --
    {
      name: "match-follow-up",
      handler: "functions/schedules/match-follow-up.ts",
      everyMinutes: 60,
      about:
        "tells the next candidates where nobody answered a match in time, and sends the daily digests due",
    },
    {
      name: "dormant-nudge",
      handler: "functions/schedules/dormant-nudge.ts",
      everyMinutes: 7 * 24 * 60,
      about: "suggests one concrete, nearby request to each member who has never exchanged",
    },
    {
      name: "city-stats",
      handler: "functions/schedules/city-stats.ts",
      everyMinutes: 24 * 60,
      about: "stores today's member counts by status and area, for reports",
    },
    // -- exchanges and ledger --
    {
      name: "ledger-audit",
      handler: "functions/schedules/ledger-audit.ts",
      everyMinutes: 24 * 60,
      about:
        "re-derives every balance from the journal and checks the ledger's invariants (fails on a violation)",
    },
    {
      name: "exchange-auto-confirm",
      handler: "functions/schedules/exchange-auto-confirm.ts",
      everyMinutes: 60,
      about: "settles exchanges completed more than 14 days ago that nobody confirmed or disputed",
    },
    // -- posts and search --
    {
      name: "post-expiry",
      handler: "functions/schedules/post-expiry.ts",
      everyMinutes: 60,
      about: "reminds owners three days before a post expires, and expires posts whose date has passed",
    },
    // -- notices --
    {
      name: "held-notices",
      handler: "functions/schedules/held-notices.ts",
      everyMinutes: 15,
      about: "sends the notices held during a member's quiet hours, once those hours have ended",
    },
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
  if (handler === m.notFound.handler) return "read";
  const entries = m.routes.filter((r) => r.handler === handler);
  if (entries.length > 0 && entries.every((r) => r.access === "read")) return "read";
  return "readWrite";
}

/** Every distinct handler module in the manifest. */
export function handlerModules(m: Manifest = manifest): string[] {
  return [
    ...new Set([
      ...m.routes.map((r) => r.handler),
      m.notFound.handler,
      ...m.consumers.map((c) => c.handler),
      ...m.schedules.map((s) => s.handler),
    ]),
  ];
}

/** One Lambda function of the stack, as the manifest groups handler modules into functions. */
export interface FunctionPlan {
  /** Readable and stable: `http-posts`, `streams-matching`, `schedules-post-expiry`; the construct id in CDK. */
  name: string;
  trigger: "http" | "stream" | "schedule";
  /** HTTP functions only: route key as API Gateway sends it (`POST /posts/{postId}/status`) -> handler module. */
  routes: Readonly<Record<string, string>>;
  /** The handler modules bundled into the function. */
  handlers: readonly string[];
  /** Table access: "read" when every handler in it is marked read-only in the manifest. */
  access: "read" | "readWrite";
}

/** The key API Gateway puts in `event.routeKey` for a manifest route. */
export function routeKeyOf(route: Pick<HttpRouteEntry, "method" | "path">): string {
  return `${route.method} ${route.path}`;
}

/**
 * Every Lambda function the manifest implies: per HTTP feature (`fn`), one function for its
 * read-only routes and one for the rest (a feature with only one kind has one function, named
 * after the feature; the other is `http-<fn>-read`), in order of first appearance; then one per
 * stream consumer and one per schedule (different triggers, retries and timeouts, so they stay
 * apart). Read-only routes thus keep read-only table access.
 */
export function functionPlans(m: Manifest = manifest): FunctionPlan[] {
  type Group = { fn: HttpFunctionName; read: boolean; routes: Record<string, string>; handlers: Set<string> };
  const http = new Map<string, Group>();
  const groupOf = (fn: HttpFunctionName, read: boolean) => {
    const key = `${fn}|${read}`;
    let group = http.get(key);
    if (!group) {
      group = { fn, read, routes: {}, handlers: new Set() };
      http.set(key, group);
    }
    return group;
  };
  for (const route of m.routes) {
    const group = groupOf(route.fn, tableAccessOf(route.handler, m) === "read");
    group.routes[routeKeyOf(route)] = route.handler;
    group.handlers.add(route.handler);
  }
  groupOf(m.notFound.fn, true).handlers.add(m.notFound.handler);
  const mixed = (fn: HttpFunctionName) => http.has(`${fn}|true`) && http.has(`${fn}|false`);
  const single = (handler: string, trigger: "stream" | "schedule"): FunctionPlan => ({
    name: functionName(handler),
    trigger,
    routes: {},
    handlers: [handler],
    access: tableAccessOf(handler, m),
  });
  return [
    ...[...http.values()].map(
      (group): FunctionPlan => ({
        name: `http-${group.fn}${group.read && mixed(group.fn) ? "-read" : ""}`,
        trigger: "http",
        routes: group.routes,
        handlers: [...group.handlers],
        access: group.read ? "read" : "readWrite",
      }),
    ),
    ...m.consumers.map((c) => single(c.handler, "stream")),
    ...m.schedules.map((s) => single(s.handler, "schedule")),
  ];
}

/** The name of the function a handler module runs in. */
export function functionOf(handler: string, m: Manifest = manifest): string {
  const plan = functionPlans(m).find((p) => p.handlers.includes(handler));
  if (!plan) throw new Error(`${handler} is in no function of the manifest`);
  return plan.name;
}
