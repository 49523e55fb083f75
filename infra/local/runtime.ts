import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBClient as Client } from "@aws-sdk/client-dynamodb";
import type { Deps } from "#domain/deps.ts";
import type { OutboundMessage } from "#domain/notices/ports.ts";
import type { RouterOptions } from "../../functions/streams/router.ts";
import type { City } from "../../shared/config/city.ts";
import { webConfig } from "../../shared/config/web.ts";
import { productionDeps, resetProductionDeps } from "../../shared/data/deps.ts";
import { LocalExportArchiveStore } from "../../shared/data/export-archive-store.ts";
import { manifest as defaultManifest, type Manifest } from "../manifest.ts";
import { buildOpenApi } from "../openapi.ts";
import { webSecurityHeaders } from "../web-headers.ts";
import { type BootstrapResult, ensureTable } from "./bootstrap.ts";
import { seedDemoCity } from "./demo.ts";
import { seedDemoLedger } from "./demo-ledger.ts";
import { DevSecondFactors } from "./dev-second-factor.ts";
import { devSignInRoutes } from "./dev-sign-in.ts";
import { exportArchiveRoutes } from "./export-archives.ts";
import { createHttpAdapter, type LocalRoute } from "./http-adapter.ts";
import type { DevIssuer } from "./identity.ts";
import { mailEventRoutes } from "./mail-events.ts";
import { webDistDir } from "./paths.ts";
import { announceRunning } from "./running.ts";
import { startScheduler } from "./scheduler.ts";
import { type Store, startStore } from "./store.ts";
import { StreamPoller, streamsClient } from "./stream-poller.ts";

function readOutbox(file: string): OutboundMessage[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as OutboundMessage);
}

export interface CityRuntimeOptions {
  city: City;
  issuer: DevIssuer;
  /** 0 picks a free port. */
  port: number;
  tableName: string;
  /** Persist the store here; omitted means in-memory. */
  dbPath?: string;
  /** The stream router's checkpoint and the outbox live here when set. */
  dataDir?: string;
  /** Load the demo city (members and ledger) into a newly created table (default true). */
  demo?: boolean;
  /** Honour DYNAMODB_ENDPOINT (default true). */
  useEnvironmentEndpoint?: boolean;
  /** Run stream consumers in the background (default true); tests may drive them with `poller.drain()`. */
  pollStreams?: boolean;
  /** Run scheduled handlers on their schedule (default true). */
  schedules?: boolean;
  manifest?: Manifest;
  /** Passed to the stream router (tests make its backoff instant). */
  routerOptions?: RouterOptions;
  /** The built web app served beside the API (default web/dist, when built). */
  webDir?: string;
  onRequest?: (line: { method: string; path: string; status: number; ms: number }) => void;
}

export interface CityRuntime {
  url: string;
  /** Emails and SMS the city would have sent, oldest first. */
  outbox(): OutboundMessage[];
  store: Store;
  table: BootstrapResult;
  poller: StreamPoller;
  deps: Deps;
  /** Demo member ids by handle, when the demo city was loaded by this start. */
  demoIds: Record<string, string> | undefined;
  /** Routes only the local runtime serves, as `METHOD /path`. */
  localRoutes: readonly string[];
  stop(): Promise<void>;
}

/**
 * Points the handler modules of this process at a city's table. Handlers read their configuration
 * from the environment, exactly as in Lambda. Email and SMS are not sent from one machine: they
 * land in the outbox file (GET /outbox).
 */
export function pointHandlersAt(target: {
  tableName: string;
  endpoint: string;
  city: City;
  outboxFile: string;
  /** Where export archives are kept (the city's data folder, or a temporary one). */
  exportDir: string;
}): void {
  process.env.TABLE_NAME = target.tableName;
  process.env.DYNAMODB_ENDPOINT = target.endpoint;
  process.env.CITY_CONFIG = JSON.stringify(target.city);
  process.env.AWS_REGION ??= "local";
  process.env.OUTBOX_FILE = target.outboxFile;
  process.env.EXPORT_DIR = target.exportDir;
  resetProductionDeps();
}

/**
 * Stops taking requests and waits for those in flight; idle keep-alive connections close at once,
 * and any still open after a few seconds (a client that never finishes) are cut.
 */
async function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const cut = setTimeout(() => server.closeAllConnections(), 5000);
  await closed;
  clearTimeout(cut);
}

/** The demo city a new table starts with: its members, then its ledger (welcome credits, one exchange). */
async function seedDemo(deps: Deps): Promise<Record<string, string>> {
  const ids = await seedDemoCity(deps);
  await seedDemoLedger(deps, ids);
  return ids;
}

/**
 * Runs a whole city on this machine: embedded store, table, HTTP adapter, stream poller and
 * scheduler, all wired from the manifest and calling the same handler modules Lambda runs.
 */
export async function startCityRuntime(options: CityRuntimeOptions): Promise<CityRuntime> {
  const manifest = options.manifest ?? defaultManifest;
  const store = await startStore({
    ...(options.dbPath ? { dbPath: options.dbPath } : {}),
    useEnvironment: options.useEnvironmentEndpoint ?? true,
  });
  try {
    const outboxFile = join(options.dataDir ?? mkdtempSync(join(tmpdir(), "mutua-outbox-")), "outbox.jsonl");
    const exportDir = join(options.dataDir ?? mkdtempSync(join(tmpdir(), "mutua-exports-")), "exports");
    pointHandlersAt({
      tableName: options.tableName,
      endpoint: store.endpoint,
      city: options.city,
      outboxFile,
      exportDir,
    });

    const client: DynamoDBClient = new Client({
      endpoint: store.endpoint,
      region: "local",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
    const tableResult = await ensureTable(client, options.tableName);
    const deps = productionDeps();
    const demoIds = tableResult === "created" && options.demo !== false ? await seedDemo(deps) : undefined;

    const poller = new StreamPoller({
      client,
      streams: streamsClient(store.endpoint),
      tableName: options.tableName,
      routers: manifest.routers,
      consumers: manifest.consumers,
      ...(options.dataDir ? { checkpointFile: join(options.dataDir, "stream-checkpoints.json") } : {}),
      ...(options.routerOptions ? { routerOptions: options.routerOptions } : {}),
    });
    if (options.pollStreams !== false) poller.start();
    const scheduler = options.schedules === false ? undefined : startScheduler(manifest.schedules);

    let openApi: Promise<unknown> | undefined;
    const localRoutes: Record<string, LocalRoute> = {
      "GET /api/openapi.json": {
        auth: false,
        handle: async () => {
          openApi ??= buildOpenApi(options.city, manifest);
          return { body: await openApi };
        },
      },
      // The messages sent to the signed-in member, newest first: their mailbox, as it were. Other
      // people's mail is not anyone's to read (the whole file is in the data folder).
      "GET /api/outbox": {
        auth: true,
        handle: async ({ claims }) => {
          const member = claims?.sub ? await deps.members.getBySubject(claims.sub) : undefined;
          const mine = readOutbox(outboxFile).filter((m) => member && m.memberId === member.memberId);
          return { body: { messages: mine.slice(-50).reverse() } };
        },
      },
      "GET /config.json": {
        auth: false,
        handle: async () => ({ body: webConfig(options.city, { kind: "dev" }) }),
      },
      ...exportArchiveRoutes(new LocalExportArchiveStore(exportDir)),
      ...devSignInRoutes(
        options.issuer,
        new DevSecondFactors(options.dataDir ? join(options.dataDir, "dev-second-factors.json") : undefined),
      ),
      ...mailEventRoutes(manifest),
    };
    const server = createHttpAdapter({
      manifest,
      issuer: options.issuer,
      localRoutes,
      site: { dir: options.webDir ?? webDistDir, headers: webSecurityHeaders(options.city) },
      ...(options.onRequest ? { onRequest: options.onRequest } : {}),
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port, "127.0.0.1", () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const url = `http://localhost:${port}`;
    // One-off commands with this machine's rights (`npm run schedule`, `npm run first-admin`) find
    // this city's store through the note while it runs, rather than opening its files a second time.
    const forget = options.dataDir
      ? announceRunning(options.dataDir, {
          pid: process.pid,
          url,
          endpoint: store.endpoint,
          tableName: options.tableName,
          city: options.city,
        })
      : undefined;

    return {
      url,
      outbox: () => readOutbox(outboxFile),
      store,
      table: tableResult,
      poller,
      deps,
      demoIds,
      localRoutes: Object.keys(localRoutes),
      // In order, so nothing still running meets a store that has gone: requests first (no new
      // work), then the schedules and the stream consumers finish what they hold, then the store.
      stop: async () => {
        forget?.();
        await closeServer(server);
        await scheduler?.stop();
        await poller.stop();
        client.destroy();
        await store.stop();
      },
    };
  } catch (error) {
    await store.stop();
    throw error;
  }
}
