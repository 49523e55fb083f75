import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { repoRoot } from "../../infra/repo-root.ts";
import { freeTier, globalPrices, PRICES_AS_OF, type RegionPrices, regions } from "./prices.ts";

/**
 * A city's monthly AWS bill, line by line: activity assumptions (overridable) times the capacity
 * the benchmarks measured per use case, times the dated price table. An estimate: every number it
 * rests on is printed, and the lines say which are measured, which assumed, which placeholders.
 */

/** The web ACL's rules (infra/aws/edge-global.ts): the per-IP rate rule and three managed groups. */
const WAF_RULES = 4;

/** How residents use the city in a month; every field is a flag of `npm run cost`. */
export interface Activity {
  members: number;
  /** Members who sign in at least once in the month (Cognito bills these). */
  activeShare: number;
  sessionsPerActive: number;
  requestsPerSession: number;
  postsPerActive: number;
  postEditsPerPost: number;
  searchesPerActive: number;
  settlementsPerActive: number;
  noticesPerActive: number;
  /** Of notices, the share sent by email and by SMS (the rest stay in the inbox). */
  emailShare: number;
  smsShare: number;
  /** Table bytes per member after a year (profile, posts and their index entries, journal, inbox). */
  storageKbPerMember: number;
  /** Log bytes per function invocation (our JSON lines and Lambda's JSON records) and per access-log line. */
  logBytesPerInvocation: number;
  accessLogBytes: number;
  /** Average HTTP function duration (ms, 256 MB) and stream router invocation (ms, 512 MB). */
  httpMs: number;
  routerMs: number;
  cognitoTier: "lite" | "essentials" | "plus";
  region: string;
  /** Count the always-free allowances (per account: shared with anything else in it). */
  freeTier: boolean;
}

export const defaultActivity: Activity = {
  members: 10_000,
  activeShare: 0.4,
  sessionsPerActive: 8,
  requestsPerSession: 12,
  postsPerActive: 1,
  postEditsPerPost: 1,
  searchesPerActive: 10,
  settlementsPerActive: 0.5,
  noticesPerActive: 6,
  emailShare: 0.6,
  smsShare: 0,
  storageKbPerMember: 40,
  logBytesPerInvocation: 1500,
  accessLogBytes: 450,
  httpMs: 80,
  routerMs: 250,
  cognitoTier: "essentials",
  region: "eu-west-1",
  freeTier: true,
};

/** Capacity per use case, from bench/out (when a bench has run) or from the run recorded here. */
export interface Capacity {
  /** Request units (reads and writes, eventually consistent reads at half a unit per 4 KB). */
  createPost: number;
  updatePost: number;
  getPost: number;
  search: number;
  myPosts: number;
  /** Matching one new or changed post: reads, then the shortlist and notices written. */
  matchReads: number;
  matchWrites: number;
  settlementWrites: number;
  settlementReads: number;
  /** One pass: per account (the daily audit) and per member (the weekly suggestions). */
  auditReadsPerAccount: number;
  dormantReadsPerMember: number;
  dormantWritesPerMember: number;
  /** A pass's modelled run time at 100,000 accounts or members, seconds (10 ms a store call). */
  auditSecondsAt100k: number;
  dormantSecondsAt100k: number;
  /** Where each figure came from: "bench/out/<name>.json (<ranAt>)" or "recorded run". */
  from: Record<string, string>;
}

/**
 * Measured figures, used when bench/out holds no newer run (December 2026): posts from
 * `npm run bench -- posts` (20,000 members, 50,000 posts; commit db71c7e); matching from
 * `npm run bench -- matching` (20,000 members, 50,000 posts, 200 sample posts; commit c6fa94a);
 * settlements from the ledger
 * bench's settlement part (50 settlements); the passes from
 * `SCHEDULES_BENCH_SIZES=100,400 npm run bench -- schedules`, extrapolated to 100,000 (commit 88bbefa).
 */
export const recordedCapacity: Omit<Capacity, "from"> = {
  createPost: 21,
  updatePost: 28,
  getPost: 1,
  search: 5.5,
  myPosts: 0.5,
  matchReads: 162,
  matchWrites: 58,
  settlementWrites: 24,
  settlementReads: 5,
  auditReadsPerAccount: 12.559,
  dormantReadsPerMember: 7.495,
  dormantWritesPerMember: 3.973,
  auditSecondsAt100k: 163.4,
  dormantSecondsAt100k: 183.6,
};

function readBench(name: string): Record<string, unknown> | undefined {
  const file = resolve(repoRoot, "bench/out", `${name}.json`);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

/** The capacity figures: each from the newest bench output that has it, else the recorded run. */
export function loadCapacity(
  read: (name: string) => Record<string, unknown> | undefined = readBench,
): Capacity {
  const capacity: Capacity = { ...recordedCapacity, from: {} };
  const take = (
    field: keyof Omit<Capacity, "from">,
    bench: string,
    pick: (out: Record<string, unknown>) => unknown,
  ) => {
    const out = read(bench);
    const value = out ? pick(out) : undefined;
    if (typeof value === "number" && Number.isFinite(value)) {
      capacity[field] = value;
      capacity.from[field] = `bench/out/${bench}.json (${String(out?.ranAt ?? "undated")})`;
    } else {
      capacity.from[field] = "recorded run (bench/cost/model.ts)";
    }
  };
  take("createPost", "posts", (o) => o["createPost.capacityUnitsMedian"]);
  take("updatePost", "posts", (o) => o["updatePostByOwner.capacityUnitsMedian"]);
  take("getPost", "posts", (o) => o["getPost.capacityUnitsMedian"]);
  take("search", "posts", (o) => o["searchCategoryNear.capacityUnitsMedian"]);
  take("myPosts", "posts", (o) => o["myPosts.capacityUnitsMedian"]);
  take("matchReads", "matching", (o) => o.capacityUnitsPerMatchMedian);
  take("matchWrites", "matching", (o) => o.writeCapacityPerPostMedian);
  take("settlementWrites", "ledger", (o) => o.settlementWriteCapacityUnits);
  take("settlementReads", "ledger", (o) => o.settlementReadCapacityUnits);
  const unit = (job: string, field: string) => (o: Record<string, unknown>) =>
    (o[`${job}At100k`] as Record<string, unknown> | undefined)?.[field];
  take("auditReadsPerAccount", "schedules", unit("audit", "readUnitsPerUnit"));
  take("dormantReadsPerMember", "schedules", unit("dormant", "readUnitsPerUnit"));
  take("dormantWritesPerMember", "schedules", unit("dormant", "writeUnitsPerUnit"));
  take("auditSecondsAt100k", "schedules", unit("audit", "modelledSeconds"));
  take("dormantSecondsAt100k", "schedules", unit("dormant", "modelledSeconds"));
  return capacity;
}

export interface Line {
  service: string;
  item: string;
  quantity: number;
  unit: string;
  /** Price per unit (after the free allowance, which `free` names). */
  price: number;
  monthly: number;
  basis: "measured" | "assumed" | "fixed" | "placeholder";
  note?: string;
}

/** What the deployed stack holds that is billed whatever the traffic (from the manifest's shape). */
export interface StackShape {
  functions: number;
  httpFunctions: number;
  routers: number;
  hourlySchedules: number;
  alarms: number;
  dashboards: number;
  customMetrics: number;
}

const MONTH_HOURS = 730;
const WEEKS_PER_MONTH = 30.4 / 7;

export class UnknownRegionError extends Error {}

/** The month's bill, line by line, for `activity` on a stack of `shape`. */
export function estimate(activity: Activity, capacity: Capacity, shape: StackShape): Line[] {
  const prices: RegionPrices | undefined = regions[activity.region];
  if (!prices) {
    throw new UnknownRegionError(
      `No prices for ${activity.region}; the table has ${Object.keys(regions).join(", ")}`,
    );
  }
  const free = activity.freeTier;
  const m = activity.members;
  const active = m * activity.activeShare;
  const requests = active * activity.sessionsPerActive * activity.requestsPerSession;
  const posts = active * activity.postsPerActive;
  const edits = posts * activity.postEditsPerPost;
  const searches = active * activity.searchesPerActive;
  const settlements = active * activity.settlementsPerActive;
  const notices = active * activity.noticesPerActive;
  const lines: Line[] = [];
  const add = (line: Omit<Line, "monthly"> & { monthly?: number }) =>
    lines.push({ ...line, monthly: line.monthly ?? line.quantity * line.price });

  // -- Cognito --
  const tier = activity.cognitoTier;
  const billedMau = tier === "plus" || !free ? active : Math.max(0, active - globalPrices.cognito.freeMau);
  add({
    service: "Cognito",
    item: `monthly active users, ${tier} tier${tier !== "plus" && free ? " (first 10,000 free)" : ""}`,
    quantity: billedMau,
    unit: "MAU",
    price: globalPrices.cognito[tier],
    basis: "assumed",
  });

  // -- DynamoDB, per feature --
  const reads = prices.dynamodb.perMillionReads / 1e6;
  const writes = prices.dynamodb.perMillionWrites / 1e6;
  // Every signed-in request reads who is calling: two GetItems under 4 KB, eventually consistent.
  add({
    service: "DynamoDB",
    item: "members: who is calling (2 reads a request)",
    quantity: requests * 1,
    unit: "RRU",
    price: reads,
    basis: "assumed",
  });
  add({
    service: "DynamoDB",
    item: "notices: inbox writes (2 a notice)",
    quantity: notices * 2,
    unit: "WRU",
    price: writes,
    basis: "assumed",
  });
  add({
    service: "DynamoDB",
    item: "posts: create and edit",
    quantity: posts * capacity.createPost + edits * capacity.updatePost,
    unit: "WRU",
    price: writes,
    basis: "measured",
  });
  add({
    service: "DynamoDB",
    item: "posts: search, view, my posts",
    quantity: searches * capacity.search + searches * capacity.getPost + active * capacity.myPosts,
    unit: "RRU",
    price: reads,
    basis: "measured",
  });
  add({
    service: "DynamoDB",
    item: "matching: candidates read per post matched",
    quantity: (posts + edits) * capacity.matchReads,
    unit: "RRU",
    price: reads,
    basis: "measured",
  });
  add({
    service: "DynamoDB",
    item: "matching: shortlists, matches and notices written",
    quantity: (posts + edits) * capacity.matchWrites,
    unit: "WRU",
    price: writes,
    basis: "measured",
  });
  add({
    service: "DynamoDB",
    item: "ledger: settlements (books, lines, transfer)",
    quantity: settlements * capacity.settlementWrites,
    unit: "WRU",
    price: writes,
    basis: "measured",
  });
  add({
    service: "DynamoDB",
    item: "ledger: settlement reads",
    quantity: settlements * capacity.settlementReads,
    unit: "RRU",
    price: reads,
    basis: "measured",
  });
  // Every change to a member, post or exchange leaves one audit entry (one write each).
  add({
    service: "DynamoDB",
    item: "audit trail (1 write per audited change)",
    quantity: posts + edits + settlements * 4 + active * 0.2,
    unit: "WRU",
    price: writes,
    basis: "assumed",
  });
  add({
    service: "DynamoDB",
    item: "ledger audit, daily pass",
    quantity: m * capacity.auditReadsPerAccount * 30.4,
    unit: "RRU",
    price: reads,
    basis: "measured",
  });
  add({
    service: "DynamoDB",
    item: "dormant suggestions, weekly pass (reads)",
    quantity: m * capacity.dormantReadsPerMember * WEEKS_PER_MONTH,
    unit: "RRU",
    price: reads,
    basis: "measured",
  });
  add({
    service: "DynamoDB",
    item: "dormant suggestions, weekly pass (writes)",
    quantity: m * capacity.dormantWritesPerMember * WEEKS_PER_MONTH,
    unit: "WRU",
    price: writes,
    basis: "measured",
  });
  const storageGb = (m * activity.storageKbPerMember) / 1024 / 1024;
  add({
    service: "DynamoDB",
    item: `storage${free ? " (25 GB free)" : ""}`,
    quantity: free ? Math.max(0, storageGb - freeTier.dynamodbStorageGb) : storageGb,
    unit: "GB-month",
    price: prices.dynamodb.storageGbMonth,
    basis: "assumed",
  });
  add({
    service: "DynamoDB",
    item: "point-in-time recovery",
    quantity: storageGb,
    unit: "GB-month",
    price: prices.dynamodb.pitrGbMonth,
    basis: "assumed",
  });

  // -- Lambda --
  const hourly = shape.hourlySchedules * MONTH_HOURS;
  // Stream records: about one per item written; a router invocation handles a few.
  const written = lines.filter((l) => l.unit === "WRU").reduce((n, l) => n + l.quantity, 0);
  const routerInvocations = (written / 2 / 5) * shape.routers;
  const invocations = requests + routerInvocations + hourly + 30.4 + WEEKS_PER_MONTH;
  const gbSeconds =
    requests * (activity.httpMs / 1000) * 0.25 +
    routerInvocations * (activity.routerMs / 1000) * 0.5 +
    hourly * 1 * 0.25 +
    // The two passes: their modelled seconds at 10 ms a call scale with the city.
    (m / 100_000) *
      (capacity.auditSecondsAt100k * 30.4 + capacity.dormantSecondsAt100k * WEEKS_PER_MONTH) *
      0.25;
  add({
    service: "Lambda",
    item: `requests${free ? " (1M free)" : ""}`,
    quantity: free ? Math.max(0, invocations - freeTier.lambdaRequests) : invocations,
    unit: "requests",
    price: prices.lambda.perMillionRequests / 1e6,
    basis: "assumed",
  });
  add({
    service: "Lambda",
    item: `duration, arm64${free ? " (400,000 GB-s free)" : ""}`,
    quantity: free ? Math.max(0, gbSeconds - freeTier.lambdaGbSeconds) : gbSeconds,
    unit: "GB-s",
    price: prices.lambda.perGbSecondArm,
    basis: "assumed",
  });

  // -- API --
  add({
    service: "API Gateway",
    item: "HTTP API requests",
    quantity: requests,
    unit: "requests",
    price: prices.httpApi.perMillionRequests / 1e6,
    basis: "assumed",
    ...(prices.derived.includes("httpApi.perMillionRequests")
      ? { note: "regional price derived from us-east-1" }
      : {}),
  });

  // -- Email and SMS --
  add({
    service: "SES",
    item: "notice emails",
    quantity: notices * activity.emailShare,
    unit: "emails",
    price: globalPrices.ses.perThousandEmails / 1000,
    basis: "assumed",
  });
  add({
    service: "SNS",
    item: "notice SMS (off unless the city turns it on)",
    quantity: notices * activity.smsShare,
    unit: "messages",
    price: globalPrices.sms.perMessage,
    basis: "placeholder",
    note: "per-country SMS prices vary",
  });

  // -- Logs, traces, alarms --
  const logGb =
    (invocations * activity.logBytesPerInvocation + requests * activity.accessLogBytes) / 1024 ** 3;
  add({
    service: "CloudWatch",
    item: `logs ingested${free ? " (5 GB free)" : ""}`,
    quantity: free ? Math.max(0, logGb - freeTier.cloudwatchLogsGb) : logGb,
    unit: "GB",
    price: prices.cloudwatch.logsIngestGb,
    basis: "assumed",
  });
  add({
    service: "CloudWatch",
    item: "logs stored (30-day retention)",
    quantity: logGb * 0.15,
    unit: "GB-month",
    price: prices.cloudwatch.logsStoreGbMonth,
    basis: "assumed",
    note: "compressed, about 15% of ingested",
  });
  add({
    service: "CloudWatch",
    item: `alarms (${shape.alarms})${free ? " (10 free)" : ""}`,
    quantity: free ? Math.max(0, shape.alarms - freeTier.cloudwatchAlarms) : shape.alarms,
    unit: "alarms",
    price: prices.cloudwatch.alarmMonth,
    basis: "fixed",
  });
  add({
    service: "CloudWatch",
    item: `dashboard${free ? " (3 free per account)" : ""}`,
    quantity: free ? 0 : shape.dashboards,
    unit: "dashboards",
    price: prices.cloudwatch.dashboardMonth,
    basis: "fixed",
  });
  add({
    service: "CloudWatch",
    item: `custom metrics (${shape.customMetrics})${free ? " (10 free)" : ""}`,
    quantity: free
      ? Math.max(0, shape.customMetrics - freeTier.cloudwatchCustomMetrics)
      : shape.customMetrics,
    unit: "metrics",
    price: prices.cloudwatch.customMetricMonth,
    basis: "fixed",
  });
  // Lambda's default sampling: the first request each second, then 5% of the rest.
  const traced =
    Math.min(invocations, MONTH_HOURS * 3600) + 0.05 * Math.max(0, invocations - MONTH_HOURS * 3600);
  add({
    service: "X-Ray",
    item: `traces recorded${free ? " (100,000 free)" : ""}`,
    quantity: free ? Math.max(0, traced - freeTier.xrayTraces) : traced,
    unit: "traces",
    price: globalPrices.xray.perMillionTraces / 1e6,
    basis: "assumed",
  });
  add({
    service: "SQS, SNS topic, Budgets, EventBridge",
    item: "failure queues, operations topic, budget, schedules",
    quantity: 1,
    unit: "month",
    price: 0,
    basis: "fixed",
    note: "idle queues, alarm e-mails within SNS's free 1,000, budgets without actions and scheduled rules are free",
  });

  // -- The edge: CloudFront in front of the app and the API, and its web ACL --
  const appGb = (requests * 6 * 1024 + active * activity.sessionsPerActive * 300 * 1024) / 1024 ** 3;
  add({
    service: "CloudFront",
    item: "app and API through the CDN",
    quantity: appGb,
    unit: "GB out",
    price: globalPrices.cloudfront.perGbOut,
    basis: "assumed",
    note: "1 TB a month is free",
    monthly: Math.max(0, appGb - 1024) * globalPrices.cloudfront.perGbOut,
  });
  add({
    service: "WAF",
    item: `web ACL, ${WAF_RULES} rules (3 AWS managed groups, a per-IP rate rule), requests`,
    quantity: requests,
    unit: "requests",
    price: globalPrices.waf.perMillionRequests / 1e6,
    basis: "assumed",
    monthly:
      globalPrices.waf.webAclMonth +
      WAF_RULES * globalPrices.waf.ruleMonth +
      (requests / 1e6) * globalPrices.waf.perMillionRequests,
  });
  return lines;
}

/** The numbers the estimate rests on, as printed above its lines. */
export function describe(activity: Activity, capacity: Capacity): string[] {
  const prices = regions[activity.region];
  return [
    `Prices: ${prices?.name ?? activity.region} (${activity.region}), as published in ${PRICES_AS_OF} (bench/cost/prices.ts lists the pages); not live.`,
    `Activity: ${activity.members} members, ${Math.round(activity.activeShare * 100)}% active in a month; per active member ${activity.sessionsPerActive} sessions of ${activity.requestsPerSession} requests, ${activity.postsPerActive} post (${activity.postEditsPerPost} edit each), ${activity.searchesPerActive} searches, ${activity.settlementsPerActive} settled exchanges, ${activity.noticesPerActive} notices (${Math.round(activity.emailShare * 100)}% by email, ${Math.round(activity.smsShare * 100)}% by SMS).`,
    `Storage ${activity.storageKbPerMember} KB a member; logs ${activity.logBytesPerInvocation} B an invocation and ${activity.accessLogBytes} B an API request; HTTP functions ${activity.httpMs} ms at 256 MB, routers ${activity.routerMs} ms at 512 MB; Cognito ${activity.cognitoTier}; always-free allowances ${activity.freeTier ? "counted (they are per account)" : "not counted"}.`,
    "Capacity per use case (request units; pass figures per account or member):",
    ...Object.entries(capacity.from).map(
      ([k, v]) =>
        `  ${k.padEnd(24)} ${String(capacity[k as keyof Omit<Capacity, "from">]).padStart(8)}  ${v}`,
    ),
  ];
}

export function total(lines: readonly Line[]): number {
  return lines.filter((l) => l.basis !== "placeholder").reduce((n, l) => n + l.monthly, 0);
}
