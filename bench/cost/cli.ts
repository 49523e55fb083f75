import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { parseCityJson } from "../../shared/config/city.ts";
import {
  type Activity,
  defaultActivity,
  describe,
  estimate,
  type Line,
  loadCapacity,
  total,
  UnknownRegionError,
} from "./model.ts";
import { regions } from "./prices.ts";
import { stackShape } from "./shape.ts";

/**
 * `npm run cost -- --members 10000`: the expected monthly AWS bill of a city, line by line. Every
 * activity assumption is a flag (--active-share 0.3, --cognito-tier essentials, --region
 * eu-central-1, ...); `--json` prints the lines as JSON.
 */
const flags: Record<keyof Activity, "number" | "string" | "boolean"> = {
  members: "number",
  activeShare: "number",
  sessionsPerActive: "number",
  requestsPerSession: "number",
  postsPerActive: "number",
  postEditsPerPost: "number",
  searchesPerActive: "number",
  settlementsPerActive: "number",
  noticesPerActive: "number",
  emailShare: "number",
  smsShare: "number",
  storageKbPerMember: "number",
  logBytesPerInvocation: "number",
  accessLogBytes: "number",
  httpMs: "number",
  routerMs: "number",
  cognitoTier: "string",
  region: "string",
  freeTier: "boolean",
};
const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function usage(): string {
  const lines = Object.entries(defaultActivity).map(
    ([name, value]) => `  --${kebab(name).padEnd(26)} ${String(value)}`,
  );
  return [
    "Usage: npm run cost -- [--city cities/x.json] [--members N] [--<assumption> value ...] [--no-free-tier] [--json]",
    "  --city: take the sign-in tier and the region from a city file (flags still override them)",
    "Assumptions and their defaults:",
    ...lines,
    `Regions: ${Object.keys(regions).join(", ")}`,
  ].join("\n");
}

function parse(argv: string[]): { activity: Activity; json: boolean } {
  const options: Record<string, { type: "string" | "boolean" }> = {
    json: { type: "boolean" },
    "no-free-tier": { type: "boolean" },
    help: { type: "boolean" },
    city: { type: "string" },
  };
  for (const [name, kind] of Object.entries(flags))
    options[kebab(name)] = { type: kind === "boolean" ? "boolean" : "string" };
  const { values } = parseArgs({ args: argv, options, strict: true });
  if (values.help) {
    console.log(usage());
    process.exit(0);
  }
  const activity: Activity = { ...defaultActivity };
  if (typeof values.city === "string") {
    // What the city file decides for the bill: its Cognito tier and its region.
    const city = parseCityJson(readFileSync(values.city, "utf8"), values.city);
    activity.cognitoTier = city.signIn.tier;
    if (city.aws) activity.region = city.aws.region;
  }
  for (const [name, kind] of Object.entries(flags) as [keyof Activity, string][]) {
    const raw = values[kebab(name)];
    if (raw === undefined) continue;
    if (kind === "number") {
      const value = Number(raw);
      if (!Number.isFinite(value) || value < 0)
        throw new Error(`--${kebab(name)} takes a number of zero or more`);
      (activity as unknown as Record<string, unknown>)[name] = value;
    } else if (kind === "string") {
      (activity as unknown as Record<string, unknown>)[name] = raw;
    }
  }
  if (values["no-free-tier"]) activity.freeTier = false;
  if (!["lite", "essentials", "plus"].includes(activity.cognitoTier)) {
    throw new Error("--cognito-tier is lite, essentials or plus");
  }
  for (const share of ["activeShare", "emailShare", "smsShare"] as const) {
    if (activity[share] > 1) throw new Error(`--${kebab(share)} is a share between 0 and 1`);
  }
  return { activity, json: values.json === true };
}

const money = (n: number) => (n < 0.005 ? "0.00" : n.toFixed(2));
const amount = (n: number) =>
  n >= 1e6
    ? `${(n / 1e6).toFixed(2)}M`
    : n >= 1e3
      ? `${(n / 1e3).toFixed(1)}k`
      : n >= 1
        ? n.toFixed(0)
        : n.toFixed(2);

function print(lines: readonly Line[]): void {
  const width = Math.max(...lines.map((l) => `${l.service}: ${l.item}`.length));
  let service = "";
  for (const l of lines) {
    if (l.service !== service) service = l.service;
    const label = `${l.service}: ${l.item}`.padEnd(width);
    const quantity = `${amount(l.quantity)} ${l.unit}`.padStart(18);
    const tag = l.basis === "measured" ? "" : ` [${l.basis}]`;
    console.log(
      `${label}  ${quantity}  $${money(l.monthly).padStart(8)}${tag}${l.note ? `  (${l.note})` : ""}`,
    );
  }
  const placeholders = lines.filter((l) => l.basis === "placeholder").reduce((n, l) => n + l.monthly, 0);
  console.log(`${"".padEnd(width + 20, "-")}  ${"".padEnd(9, "-")}`);
  console.log(`${"Total a month (deployed stack)".padEnd(width + 20)}  $${money(total(lines)).padStart(8)}`);
  console.log(
    `${"Placeholders (not deployed yet, not in the total)".padEnd(width + 20)}  $${money(placeholders).padStart(8)}`,
  );
}

try {
  const { activity, json } = parse(process.argv.slice(2));
  const capacity = loadCapacity();
  const lines = estimate(activity, capacity, stackShape());
  if (json) {
    console.log(JSON.stringify({ activity, capacity, lines, total: total(lines) }, null, 2));
  } else {
    for (const line of describe(activity, capacity)) console.log(line);
    console.log("");
    print(lines);
    console.log(
      "\n[measured]: capacity a benchmark measured per use case, times the assumed activity. [assumed]: an activity or size assumption. [fixed]: what the stack holds at any traffic. An estimate, not a quote.",
    );
  }
} catch (error) {
  if (error instanceof UnknownRegionError || error instanceof Error) {
    console.error(`${error.message}\n\n${usage()}`);
    process.exit(2);
  }
  throw error;
}
