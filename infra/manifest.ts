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
export type HttpFunctionName =
  | "public"
  | "members"
  | "posts"
  | "exchanges"
  | "ledger"
  | "matching"
  | "conversations"
  | "exports";

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
   * "read" when the handler never writes, so its function gets read-only table access (and may
   * only add access records, see functions/http/stack.ts). Default
   * read and write: a missing write grant would only show up in AWS, where IAM applies.
   */
  access?: "read";
  /**
   * The handler posts to the ledger (journal lines and transfers). Only the functions of such
   * handlers may write those items: every other function's role denies it (an IAM condition on
   * the key). A test checks the flag against what each function's bundle actually holds.
   */
  writesLedger?: true;
  /**
   * A limit for this route alone, for the whole city, below the API's (requests per second and
   * burst): on the expensive routes (search, exports, reports) a flood cannot drown the rest.
   */
  throttle?: RouteThrottle;
  /**
   * "read": the handler signs download links to export archives, so its function gets the
   * export bucket's name and may read its archives (a presigned link carries the signer's rights).
   */
  exportArchives?: "read";
}

export interface RouteThrottle {
  rateLimit: number;
  burstLimit: number;
}

/** Searching reads index pages and scores posts: a city's residents together, not one robot. */
const SEARCH_THROTTLE: RouteThrottle = { rateLimit: 10, burstLimit: 20 };
/** Exports and reports read whole areas: a few staff at a time, never a loop. */
const EXPORT_THROTTLE: RouteThrottle = { rateLimit: 2, burstLimit: 5 };

export interface StreamConsumerEntry {
  name: string;
  handler: string;
  /** The router (`routers[].name`) that reads the stream for this consumer. */
  router: string;
  /** Records per invocation. */
  batchSize: number;
  /**
   * Retries of a failing record (so maxRetries + 1 attempts, with a short backoff) before the
   * record is stored in the failure store for a replay; the consumer carries on with the next.
   */
  maxRetries: number;
  /**
   * What a replay of a stored failure hands the consumer. "as-recorded": the record as the stream
   * delivered it (consumers of events: each record counts once, in any order). "current-item": the
   * recorded old image with the item as it is now as the new one (consumers that keep a projection
   * of an item in step, where replaying a stale new image after later changes would undo them).
   * @default "as-recorded"
   */
  replay?: "as-recorded" | "current-item";
  /**
   * Only records whose new image has one of these `entity` values (and, if given, one of these
   * event names) reach the consumer: a Lambda event filter in AWS, the same test locally. A
   * REMOVE has no new image: it is matched on its old image (a TTL deletion, say).
   */
  filter?: { entities: readonly string[]; eventNames?: readonly ("INSERT" | "MODIFY" | "REMOVE")[] };
  /** Outside channels the consumer sends on; the stack grants SES (email) and SNS (sms) for them. */
  sends?: readonly ("email" | "sms")[];
  /** The consumer deletes sign-in identities: the stack grants it Cognito's AdminDeleteUser on the pool. */
  deletesLogins?: boolean;
  /**
   * "erase": the consumer deletes a closed member's export objects, so its router gets the export
   * bucket's name and may list the bucket and delete its objects.
   */
  exportArchives?: "erase";
}

export interface ScheduleEntry {
  name: string;
  handler: string;
  /** Minutes between runs. */
  everyMinutes: number;
  /** What one run does, in a sentence (`npm run schedule` lists it). */
  about: string;
  /** The function's timeout (15 minutes at most in Lambda). @default 300 */
  timeoutSeconds?: number;
  /** "read": the job only reads (but may write its own checkpoint, if it keeps one). */
  access?: "read";
  /** The job works in passes that resume from a checkpoint (see shared/domain/kernel/passes.ts). */
  checkpoint?: true;
  /** The job posts to the ledger; see HttpRouteEntry.writesLedger. */
  writesLedger?: true;
  /** The job writes and reads export archives: the stack gives its function the export bucket. */
  exportArchives?: "write";
}

/**
 * A consumer of events from outside Mutua's table, one function each. In AWS an EventBridge rule
 * matching `pattern` invokes it with the event; locally the runtime hands it the same envelope
 * (infra/local: `POST /api/mail-events` takes the event's `detail`, as AWS would carry it).
 */
export interface EventConsumerEntry {
  name: string;
  handler: string;
  /** The events it takes: their EventBridge `source` and `detail-type`s. */
  pattern: { source: string; detailTypes: readonly string[] };
  /** What one event does, in a sentence. */
  about: string;
  /** Times Lambda retries a failed event before it goes to the dead-letter queue. */
  maxRetries: number;
}

/** HTTP functions answer within API Gateway's 30 s integration limit, and far sooner in practice. */
export const HTTP_TIMEOUT_SECONDS = 10;

/** An event consumer handles one event (a few reads and a write). */
export const EVENT_TIMEOUT_SECONDS = 30;

/** A schedule's function timeout unless it names its own. */
export const DEFAULT_SCHEDULE_TIMEOUT_SECONDS = 300;

/**
 * A reader of the table's stream. DynamoDB Streams serves at most two readers per shard before it
 * throttles, and event filters apply only after the read, so a consumer is not a reader of its own:
 * a router reads and hands each record, in process, to every consumer of its own whose filter
 * passes, each consumer in record order and independently of the others. Two routers: one for what
 * stays inside Mutua (matching, ledger, audit) and one for what leaves it (email and SMS), so a
 * slow or failing outside provider holds up nothing else, and each bundle keeps to its budget.
 */
export interface StreamRouterEntry {
  /** The function's name (`streams-router`). */
  name: string;
  /** Records per invocation; each consumer still gets them in batches of its own size. */
  batchSize: number;
  /**
   * Times Lambda retries a batch the router could not finish (the failure store unreachable, or
   * time running out) before it sends the batch's position to the router's on-failure queue.
   */
  maxRetries: number;
  /** The function's timeout; the router hands back what it cannot start with 20 s left. */
  timeoutSeconds: number;
}

export interface Manifest {
  routes: readonly HttpRouteEntry[];
  /**
   * Serves every request no route matches, so unknown paths get Mutua's 404 body; `fn` is the
   * function the gateway's `$default` route goes to.
   */
  notFound: { handler: string; fn: HttpFunctionName };
  /** At most two: the readers of the table's stream. */
  routers: readonly StreamRouterEntry[];
  consumers: readonly StreamConsumerEntry[];
  schedules: readonly ScheduleEntry[];
  /** Consumers of events from outside the table (SES's bounces and complaints). */
  events: readonly EventConsumerEntry[];
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
      path: "/members/quiet",
      handler: "functions/http/members/quiet.ts",
      fn: "members",
      auth: true,
      access: "read",
    },
    {
      method: "POST",
      path: "/members/{memberId}/first-task",
      handler: "functions/http/members/first-task.ts",
      fn: "matching",
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
      method: "GET",
      path: "/me/organisations",
      handler: "functions/http/me/organisations.ts",
      fn: "members",
      auth: true,
      access: "read",
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
      fn: "exports",
      auth: true,
      access: "read",
      throttle: EXPORT_THROTTLE,
    },
    {
      method: "GET",
      path: "/me/export.zip",
      handler: "functions/http/me/export-zip.ts",
      fn: "exports",
      auth: true,
      access: "read",
    },
    {
      method: "POST",
      path: "/me/exports",
      handler: "functions/http/me/exports-start.ts",
      fn: "exports",
      auth: true,
      throttle: EXPORT_THROTTLE,
    },
    {
      method: "GET",
      path: "/me/exports/{jobId}",
      handler: "functions/http/me/exports-get.ts",
      fn: "exports",
      auth: true,
      access: "read",
      exportArchives: "read",
    },
    {
      method: "POST",
      path: "/me/consents",
      handler: "functions/http/me/consents.ts",
      fn: "members",
      auth: true,
    },
    {
      method: "GET",
      path: "/me/access-log",
      handler: "functions/http/me/access-log.ts",
      fn: "members",
      auth: true,
      access: "read",
    },
    {
      method: "POST",
      path: "/me/close",
      handler: "functions/http/me/close.ts",
      fn: "members",
      auth: true,
      // Closing settles the balance with the community pot: a closing transfer.
      writesLedger: true,
    },
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
      throttle: EXPORT_THROTTLE,
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
      throttle: SEARCH_THROTTLE,
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
      throttle: EXPORT_THROTTLE,
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
      writesLedger: true,
    },
    {
      method: "POST",
      path: "/exchanges/{exchangeId}/resolution",
      handler: "functions/http/exchanges/resolve.ts",
      fn: "exchanges",
      auth: true,
      writesLedger: true,
    },
    {
      method: "POST",
      path: "/exchanges/{exchangeId}/statements",
      handler: "functions/http/exchanges/statement.ts",
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
      throttle: EXPORT_THROTTLE,
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
      writesLedger: true,
    },
    {
      method: "POST",
      path: "/pot/grants",
      handler: "functions/http/pot/grant.ts",
      fn: "ledger",
      auth: true,
      writesLedger: true,
    },
    {
      method: "POST",
      path: "/transfers/{transferId}/reversal",
      handler: "functions/http/transfers/reverse.ts",
      fn: "ledger",
      auth: true,
      writesLedger: true,
    },
    {
      method: "POST",
      path: "/organisations/{memberId}/awards",
      handler: "functions/http/organisations/award.ts",
      fn: "ledger",
      auth: true,
      writesLedger: true,
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
      writesLedger: true,
    },
    // -- venues record redemptions, members approve them --
    {
      method: "POST",
      path: "/organisations/{memberId}/redemption-requests",
      handler: "functions/http/organisations/record-redemption.ts",
      fn: "ledger",
      auth: true,
    },
    {
      method: "GET",
      path: "/organisations/{memberId}/redemption-requests",
      handler: "functions/http/organisations/redemption-requests.ts",
      fn: "ledger",
      auth: true,
      access: "read",
    },
    {
      method: "GET",
      path: "/me/redemption-requests",
      handler: "functions/http/me/redemption-requests.ts",
      fn: "ledger",
      auth: true,
      access: "read",
    },
    {
      method: "POST",
      path: "/redemption-requests/{requestId}/approval",
      handler: "functions/http/redemption-requests/approve.ts",
      fn: "ledger",
      auth: true,
      writesLedger: true,
    },
    {
      method: "POST",
      path: "/redemption-requests/{requestId}/decline",
      handler: "functions/http/redemption-requests/decline.ts",
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
      throttle: EXPORT_THROTTLE,
    },
    {
      method: "GET",
      path: "/reports/ledger.csv",
      handler: "functions/http/reports/ledger-csv.ts",
      fn: "ledger",
      auth: true,
      access: "read",
      throttle: EXPORT_THROTTLE,
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
    // -- conversations (functions of their own: the members functions are at the bundle budget) --
    {
      method: "GET",
      path: "/me/conversations",
      handler: "functions/http/me/conversations.ts",
      fn: "conversations",
      auth: true,
      access: "read",
    },
    {
      method: "GET",
      path: "/conversations/{conversationId}/messages",
      handler: "functions/http/conversations/messages.ts",
      fn: "conversations",
      auth: true,
      access: "read",
    },
    {
      method: "POST",
      path: "/conversations/{conversationId}/messages",
      handler: "functions/http/conversations/send.ts",
      fn: "conversations",
      auth: true,
    },
    {
      method: "POST",
      path: "/conversations/{conversationId}/read",
      handler: "functions/http/conversations/read.ts",
      fn: "conversations",
      auth: true,
    },
    {
      method: "POST",
      path: "/conversations/{conversationId}/block",
      handler: "functions/http/conversations/block.ts",
      fn: "conversations",
      auth: true,
    },
    {
      method: "POST",
      path: "/conversations/{conversationId}/reports",
      handler: "functions/http/conversations/report.ts",
      fn: "conversations",
      auth: true,
    },
    {
      method: "GET",
      path: "/conversation-reports",
      handler: "functions/http/conversation-reports/list.ts",
      fn: "conversations",
      auth: true,
      access: "read",
    },
    {
      method: "POST",
      path: "/conversations/{conversationId}/reports/{reportId}/decision",
      handler: "functions/http/conversations/decide.ts",
      fn: "conversations",
      auth: true,
    },
    // -- email: one-click unsubscribe (the signed token in the link is the only credential; in
    // the members functions, since a function costs six resources) --
    {
      method: "GET",
      path: "/unsubscribe",
      handler: "functions/http/unsubscribe/confirm.ts",
      fn: "members",
      auth: false,
      access: "read",
    },
    {
      method: "POST",
      path: "/unsubscribe",
      handler: "functions/http/unsubscribe/apply.ts",
      fn: "members",
      auth: false,
    },
  ],
  notFound: { handler: "functions/http/not-found.ts", fn: "public" },
  routers: [
    { name: "streams-router", batchSize: 100, maxRetries: 10, timeoutSeconds: 300 },
    { name: "streams-notices", batchSize: 25, maxRetries: 10, timeoutSeconds: 120 },
  ],
  consumers: [
    // -- matching --
    {
      name: "match-index",
      router: "streams-router",
      handler: "functions/streams/match-index.ts",
      batchSize: 50,
      maxRetries: 5,
      filter: { entities: ["Member", "Post"] },
      replay: "current-item",
    },
    {
      name: "matching",
      router: "streams-router",
      handler: "functions/streams/matching.ts",
      batchSize: 10,
      maxRetries: 5,
      filter: { entities: ["Post"] },
      replay: "current-item",
    },
    {
      name: "match-signals",
      router: "streams-router",
      handler: "functions/streams/match-signals.ts",
      batchSize: 50,
      maxRetries: 5,
      filter: { entities: ["Exchange", "Match", "AccountBook"], eventNames: ["MODIFY"] },
    },
    // -- exchanges and ledger --
    {
      name: "ledger-reports",
      router: "streams-router",
      handler: "functions/streams/ledger-reports.ts",
      batchSize: 100,
      maxRetries: 5,
      filter: { entities: ["Transfer"], eventNames: ["INSERT"] },
    },
    {
      name: "exchange-queue",
      router: "streams-router",
      handler: "functions/streams/exchange-queue.ts",
      batchSize: 25,
      maxRetries: 5,
      filter: { entities: ["Exchange"], eventNames: ["INSERT", "MODIFY"] },
    },
    {
      name: "post-fulfilment",
      router: "streams-router",
      handler: "functions/streams/post-fulfilment.ts",
      batchSize: 25,
      maxRetries: 5,
      filter: { entities: ["Exchange"], eventNames: ["MODIFY"] },
    },
    {
      name: "ledger-guard",
      router: "streams-router",
      handler: "functions/streams/ledger-guard.ts",
      batchSize: 100,
      maxRetries: 3,
      filter: { entities: ["JournalLine", "Transfer"], eventNames: ["MODIFY"] },
    },
    {
      name: "audit-trail",
      router: "streams-router",
      handler: "functions/streams/audit-trail.ts",
      batchSize: 50,
      maxRetries: 3,
    },
    // -- residents' data rights --
    {
      name: "erasure",
      router: "streams-router",
      handler: "functions/streams/erasure.ts",
      batchSize: 25,
      maxRetries: 10,
      filter: { entities: ["Member", "Post"], eventNames: ["MODIFY", "REMOVE"] },
      deletesLogins: true,
      exportArchives: "erase",
    },
    {
      name: "retention",
      router: "streams-router",
      handler: "functions/streams/retention.ts",
      batchSize: 100,
      maxRetries: 5,
      filter: { entities: ["Notification", "Match", "AuditEntry", "Post"], eventNames: ["INSERT", "MODIFY"] },
    },
    {
      name: "notification-channels",
      router: "streams-notices",
      handler: "functions/streams/notification-channels.ts",
      batchSize: 25,
      maxRetries: 5,
      filter: { entities: ["Notification", "NoticeRelease"], eventNames: ["INSERT"] },
      sends: ["email", "sms"],
    },
    // -- conversations --
    {
      name: "conversations",
      router: "streams-router",
      handler: "functions/streams/conversations.ts",
      batchSize: 25,
      maxRetries: 5,
      filter: { entities: ["Message", "Conversation", "Member"], eventNames: ["INSERT", "MODIFY", "REMOVE"] },
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
      everyMinutes: 60,
      about:
        "once a week, suggests one concrete, nearby request to each member who has never exchanged; a pass cut short resumes the next hour",
      timeoutSeconds: 900,
      checkpoint: true,
    },
    {
      name: "match-index-layout",
      handler: "functions/schedules/match-index-layout.ts",
      everyMinutes: 15,
      about:
        "after the city's digest shard count changed, moves the matching index to the new shards a page of members at a time; once done, a run only reads its checkpoint",
      timeoutSeconds: 900,
      checkpoint: true,
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
      everyMinutes: 60,
      about:
        "once a day, re-derives every balance from the journal and checks the ledger's invariants (an alarm on any violation); a pass cut short resumes the next hour",
      timeoutSeconds: 900,
      access: "read",
      checkpoint: true,
    },
    {
      name: "exchange-auto-confirm",
      handler: "functions/schedules/exchange-auto-confirm.ts",
      everyMinutes: 60,
      about: "settles exchanges completed more than 14 days ago that nobody confirmed or disputed",
      writesLedger: true,
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
    // -- residents' data rights --
    {
      name: "export-jobs",
      handler: "functions/schedules/export-jobs.ts",
      everyMinutes: 1,
      about:
        "assembles the export archives members asked for, a section per step, saving progress on the job so the next run continues one cut short",
      timeoutSeconds: 300,
      exportArchives: "write",
    },
    // -- operations --
    {
      name: "stream-failures",
      handler: "functions/schedules/stream-failures.ts",
      everyMinutes: 60,
      about: "counts the stream records waiting in the failure store for a replay (the alarm's metric)",
      access: "read",
    },
  ],
  events: [
    // -- email --
    {
      name: "mail-events",
      handler: "functions/events/mail-events.ts",
      // What the city's SES configuration set publishes to the account's default event bus.
      pattern: { source: "aws.ses", detailTypes: ["Email Bounced", "Email Complaint Received"] },
      about:
        "marks a member's email address undeliverable (no more mail to it) when SES reports a permanent bounce or a complaint",
      maxRetries: 2,
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
  record: { eventName?: string; newEntity?: unknown; oldEntity?: unknown },
): boolean {
  if (!entry.filter) return true;
  const { entities, eventNames } = entry.filter;
  // Without names a filter matches new images only (as in AWS): inserts and changes, not removals.
  const names = eventNames ?? ["INSERT", "MODIFY"];
  if (!names.some((name) => name === record.eventName)) return false;
  const entity = record.eventName === "REMOVE" ? record.oldEntity : record.newEntity;
  return typeof entity === "string" && entities.includes(entity);
}

/**
 * The table access a handler module's function needs: "read" only if every entry naming it is
 * marked read-only (the 404 route reads nothing).
 */
export function tableAccessOf(handler: string, m: Manifest = manifest): "read" | "readWrite" {
  if (handler === m.notFound.handler) return "read";
  const entries: readonly { access?: "read" }[] = [
    ...m.routes.filter((r) => r.handler === handler),
    ...m.schedules.filter((s) => s.handler === handler),
  ];
  if (entries.length > 0 && entries.every((r) => r.access === "read")) return "read";
  return "readWrite";
}

/** Whether a handler module posts to the ledger (journal lines, transfers). */
export function writesLedger(handler: string, m: Manifest = manifest): boolean {
  return [...m.routes, ...m.schedules].some((e) => e.handler === handler && e.writesLedger === true);
}

/** Every distinct handler module in the manifest. */
export function handlerModules(m: Manifest = manifest): string[] {
  return [
    ...new Set([
      ...m.routes.map((r) => r.handler),
      m.notFound.handler,
      ...m.consumers.map((c) => c.handler),
      ...m.schedules.map((s) => s.handler),
      ...m.events.map((e) => e.handler),
    ]),
  ];
}

/** One Lambda function of the stack, as the manifest groups handler modules into functions. */
export interface FunctionPlan {
  /** Readable and stable: `http-posts`, `streams-matching`, `schedules-post-expiry`; the construct id in CDK. */
  name: string;
  trigger: "http" | "stream" | "schedule" | "event";
  /** HTTP functions only: route key as API Gateway sends it (`POST /posts/{postId}/status`) -> handler module. */
  routes: Readonly<Record<string, string>>;
  /** The handler modules bundled into the function. */
  handlers: readonly string[];
  /** Table access: "read" when every handler in it is marked read-only in the manifest. */
  access: "read" | "readWrite";
  /** Some handler in it posts to the ledger: only such functions may write journal lines and transfers. */
  writesLedger: boolean;
  /** Schedules whose checkpoint the function writes (even when its table access is read-only). */
  checkpoints: readonly string[];
  timeoutSeconds: number;
}

/** The key API Gateway puts in `event.routeKey` for a manifest route. */
export function routeKeyOf(route: Pick<HttpRouteEntry, "method" | "path">): string {
  return `${route.method} ${route.path}`;
}

/**
 * Every Lambda function the manifest implies: per HTTP feature (`fn`), one function for its
 * read-only routes and one for the rest (a feature with only one kind has one function, named
 * after the feature; the other is `http-<fn>-read`), in order of first appearance; then the stream
 * routers, which run the consumers, and one per schedule (different triggers, retries and
 * timeouts, so they stay apart). Read-only routes thus keep read-only table access.
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
  const schedule = (entry: ScheduleEntry): FunctionPlan => ({
    name: functionName(entry.handler),
    trigger: "schedule",
    routes: {},
    handlers: [entry.handler],
    access: tableAccessOf(entry.handler, m),
    writesLedger: writesLedger(entry.handler, m),
    checkpoints: entry.checkpoint ? [entry.name] : [],
    timeoutSeconds: entry.timeoutSeconds ?? DEFAULT_SCHEDULE_TIMEOUT_SECONDS,
  });
  return [
    ...[...http.values()].map(
      (group): FunctionPlan => ({
        name: `http-${group.fn}${group.read && mixed(group.fn) ? "-read" : ""}`,
        trigger: "http",
        routes: group.routes,
        handlers: [...group.handlers],
        access: group.read ? "read" : "readWrite",
        writesLedger: [...group.handlers].some((h) => writesLedger(h, m)),
        checkpoints: [],
        timeoutSeconds: HTTP_TIMEOUT_SECONDS,
      }),
    ),
    // Every consumer runs inside its stream router (see StreamRouterEntry).
    ...m.routers.map(
      (router): FunctionPlan => ({
        name: router.name,
        trigger: "stream",
        routes: {},
        handlers: [...new Set(consumersOf(router.name, m).map((c) => c.handler))],
        access: "readWrite",
        writesLedger: false,
        checkpoints: [],
        timeoutSeconds: router.timeoutSeconds,
      }),
    ),
    ...m.schedules.map(schedule),
    ...m.events.map(
      (entry): FunctionPlan => ({
        name: functionName(entry.handler),
        trigger: "event",
        routes: {},
        handlers: [entry.handler],
        access: "readWrite",
        writesLedger: false,
        checkpoints: [],
        timeoutSeconds: EVENT_TIMEOUT_SECONDS,
      }),
    ),
  ];
}

/** The consumers a stream router runs, in manifest order. */
export function consumersOf(
  router: string,
  m: Pick<Manifest, "consumers"> = manifest,
): StreamConsumerEntry[] {
  return m.consumers.filter((c) => c.router === router);
}

/** The name of the function a handler module runs in. */
export function functionOf(handler: string, m: Manifest = manifest): string {
  const plan = functionPlans(m).find((p) => p.handlers.includes(handler));
  if (!plan) throw new Error(`${handler} is in no function of the manifest`);
  return plan.name;
}
