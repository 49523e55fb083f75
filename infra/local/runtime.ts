import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBClient as Client } from "@aws-sdk/client-dynamodb";
import type { City } from "../../shared/config/city.ts";
import { productionDeps, resetProductionDeps } from "../../shared/data/deps.ts";
import type { OutboundMessage } from "../../shared/domain/channels.ts";
import type { Deps } from "../../shared/domain/ports.ts";
import { manifest as defaultManifest, type Manifest } from "../manifest.ts";
import { buildOpenApi } from "../openapi.ts";
import { type BootstrapResult, ensureTable } from "./bootstrap.ts";
import { seedDemoCity } from "./demo.ts";
import { seedDemoLedger } from "./demo-ledger.ts";
import { createHttpAdapter } from "./http-adapter.ts";
import type { DevIssuer } from "./identity.ts";
import { storeEndpointFile } from "./paths.ts";
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
  /** Stream checkpoints and parked records live here when set. */
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
  stop(): Promise<void>;
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
    // Handlers read their configuration from the environment, exactly as in Lambda.
    process.env.TABLE_NAME = options.tableName;
    process.env.DYNAMODB_ENDPOINT = store.endpoint;
    process.env.CITY_CONFIG = JSON.stringify(options.city);
    process.env.AWS_REGION ??= "local";
    // Email and SMS are not sent from one machine: they land in the outbox file (GET /outbox).
    const outboxFile = join(options.dataDir ?? mkdtempSync(join(tmpdir(), "mutua-outbox-")), "outbox.jsonl");
    process.env.OUTBOX_FILE = outboxFile;
    resetProductionDeps();

    const client: DynamoDBClient = new Client({
      endpoint: store.endpoint,
      region: "local",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
    const tableResult = await ensureTable(client, options.tableName);
    // Local commands with the machine's rights (npm run first-admin) reach the running store here.
    if (options.dataDir) {
      mkdirSync(options.dataDir, { recursive: true });
      writeFileSync(storeEndpointFile(options.dataDir), store.endpoint);
    }
    const deps = productionDeps();
    const demoIds = tableResult === "created" && options.demo !== false ? await seedDemo(deps) : undefined;

    const poller = new StreamPoller({
      client,
      streams: streamsClient(store.endpoint),
      tableName: options.tableName,
      consumers: manifest.consumers,
      ...(options.dataDir
        ? {
            checkpointFile: join(options.dataDir, "stream-checkpoints.json"),
            parkedFile: join(options.dataDir, "parked-records.jsonl"),
          }
        : {}),
    });
    if (options.pollStreams !== false) poller.start();
    const scheduler = options.schedules === false ? undefined : startScheduler(manifest.schedules);

    let openApi: Promise<unknown> | undefined;
    const server = createHttpAdapter({
      manifest,
      issuer: options.issuer,
      localRoutes: {
        "GET /openapi.json": () => (openApi ??= buildOpenApi(options.city, manifest)),
        "GET /outbox": async () => ({ messages: readOutbox(outboxFile).slice(-50).reverse() }),
      },
      ...(options.onRequest ? { onRequest: options.onRequest } : {}),
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port, "127.0.0.1", () => resolve());
    });
    const { port } = server.address() as AddressInfo;

    return {
      url: `http://localhost:${port}`,
      outbox: () => readOutbox(outboxFile),
      store,
      table: tableResult,
      poller,
      deps,
      demoIds,
      stop: async () => {
        scheduler?.stop();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
        await poller.stop();
        client.destroy();
        if (options.dataDir) rmSync(storeEndpointFile(options.dataDir), { force: true });
        await store.stop();
      },
    };
  } catch (error) {
    await store.stop();
    throw error;
  }
}
