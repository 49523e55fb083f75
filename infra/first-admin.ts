import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { monotonicFactory } from "ulid";
import { createDocumentClient } from "#data/client.ts";
import { DynamoMemberRepository } from "#data/member-repository.ts";
import { systemClock } from "#domain/kernel/clock.ts";
import { DomainError } from "#domain/kernel/errors.ts";
import { createFirstAdmin } from "#domain/membership/first-admin.ts";
import { type City, languageSchema, parseCityJson } from "#shared/config/city.ts";
import * as z from "#shared/zod.ts";
import { ensureTable } from "./local/bootstrap.ts";
import { demoSubject } from "./local/demo.ts";
import { dataDir, repoRoot } from "./local/paths.ts";
import { findRunning } from "./local/running.ts";
import { type Store, startStore } from "./local/store.ts";

/**
 * Makes a new city's first admin: the one way in for a city nobody can approve joins in yet. It
 * needs deploy rights, not a login: it writes to the city's table directly, with the deployer's
 * AWS credentials (`--table` and `--subject`), or on this machine with access to the local city's
 * data (`<login name>`, the name `npm run token` signs). It refuses once the city has an admin.
 */
const usage = `Usage:
  npm run first-admin -- <login name> [--name "Display Name"] [--area <area>] [--language <code>] [--city <file>]
      on this machine: the local city (running or not); the login is the one \`npm run token -- <login name>\` signs
  npm run first-admin -- --table <TableName> --subject <Cognito sub> --name "Display Name" [--area <area>] [--city <file>]
      a deployed city, with the deployer's AWS credentials and AWS_REGION (TableName is a stack output)`;

function fail(message: string, code = 2): never {
  console.error(message);
  process.exit(code);
}

const { values, positionals } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        name: { type: "string" },
        area: { type: "string" },
        language: { type: "string" },
        city: { type: "string", default: "cities/example.json" },
        table: { type: "string" },
        subject: { type: "string" },
      },
    });
  } catch (error) {
    return fail(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
  }
})();

const [loginName] = positionals;
if (positionals.length > 1 || (loginName === undefined) === (values.subject === undefined)) fail(usage);
if (loginName !== undefined && !/^[a-z0-9-]{1,40}$/.test(loginName)) {
  fail("A login name is 1-40 lowercase letters, digits or dashes.");
}
const language = values.language === undefined ? undefined : z.safeParse(languageSchema, values.language);
if (language && !language.success) fail(`--language must be one of: ${languageSchema.options.join(", ")}`);

let city: City;
try {
  city = parseCityJson(readFileSync(resolve(repoRoot, values.city), "utf8"), values.city);
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}

/** The table's endpoint: DYNAMODB_ENDPOINT; else AWS with `--table`; else the local city's store. */
async function endpoint(): Promise<{ endpoint: string | undefined; tableName: string; store?: Store }> {
  const environment = process.env.DYNAMODB_ENDPOINT;
  if (values.table) return { endpoint: environment, tableName: values.table };
  const tableName = `mutua-${city.id}`;
  if (environment) return { endpoint: environment, tableName };
  const cityData = join(dataDir, city.id);
  // While `npm start` runs on this data, go through its store (the note it leaves says where).
  const running = findRunning(cityData);
  if (running) return { endpoint: running.endpoint, tableName: running.tableName };
  // The city is not running: open its store file (creating the table, as `npm start` would).
  const store = await startStore({ dbPath: join(cityData, "store.db"), useEnvironment: false });
  const client = new DynamoDBClient({
    endpoint: store.endpoint,
    region: "local",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  await ensureTable(client, tableName);
  client.destroy();
  return { endpoint: store.endpoint, tableName, store };
}

const target = await endpoint().catch((error: unknown) =>
  fail(error instanceof Error ? error.message : String(error), 1),
);
const members = new DynamoMemberRepository(createDocumentClient(target.endpoint), target.tableName);
const ulid = monotonicFactory();
try {
  const admin = await createFirstAdmin(
    { members, clock: systemClock, ids: { next: () => ulid() }, city },
    {
      subject: values.subject ?? demoSubject(loginName ?? ""),
      displayName:
        values.name ?? (loginName ? loginName.charAt(0).toUpperCase() + loginName.slice(1) : undefined),
      area: values.area,
      ...(language?.success ? { languages: [language.data] } : {}),
    },
  );
  console.log(
    `${admin.displayName} is the first admin of ${city.name} (member ${admin.memberId}, area ${admin.area}).\n` +
      "Sign in as them to approve the people waiting (GET /members?status=pending&area=<area>) and to make\n" +
      "coordinators (PUT /members/{memberId}/roles).",
  );
} catch (error) {
  if (!(error instanceof DomainError)) throw error;
  const details = error.details?.map((d) => `\n  - ${d.path}: ${d.message}`).join("") ?? "";
  process.exitCode = 1;
  console.error(`Refused: ${error.message}${details}`);
} finally {
  await target.store?.stop();
}
