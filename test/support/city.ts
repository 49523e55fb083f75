import { readFileSync } from "node:fs";
import { request } from "node:http";
import { resolve } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { type City, parseCityJson } from "#shared/config/city.ts";
import * as z from "#shared/zod.ts";
import { demoSubject } from "../../infra/local/demo.ts";
import { API_PREFIX, compileRoutes, findRoute } from "../../infra/local/http-adapter.ts";
import { DevIssuer } from "../../infra/local/identity.ts";
import { repoRoot } from "../../infra/local/paths.ts";
import { type CityRuntime, type CityRuntimeOptions, startCityRuntime } from "../../infra/local/runtime.ts";
import { manifest } from "../../infra/manifest.ts";
import { contractOf } from "../../infra/openapi.ts";

export function exampleCity(): City {
  return parseCityJson(readFileSync(resolve(repoRoot, "cities/example.json"), "utf8"), "cities/example.json");
}

export interface TestCity {
  runtime: CityRuntime;
  issuer: DevIssuer;
  url: string;
  /** Where the API is: `url` and `/api`. */
  apiUrl: string;
  /** A bearer token for a demo member handle, or for any new login name. */
  token(handle: string): Promise<string>;
  /** fetch against the local API (`path` as in the manifest; `/api` is added); `as` signs the request as that member. */
  call(
    method: string,
    path: string,
    options?: { as?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; body: unknown; text: string }>;
  stop(): Promise<void>;
}

const routes = compileRoutes(manifest);

/** Every success body must match its route's response schema: the OpenAPI document cannot lie. */
async function checkContract(method: string, path: string, body: unknown): Promise<void> {
  const { route } = findRoute(routes, method.toUpperCase(), new URL(path, "http://x").pathname);
  if (!route) return;
  const contract = await contractOf(route);
  if (!contract.response || contract.csv) return;
  const result = z.safeParse(contract.response, body);
  if (!result.success) {
    throw new Error(
      `${method} ${path} answered outside its contract: ${JSON.stringify(result.error.issues)}`,
    );
  }
}

/**
 * A private city for one test file: its own in-memory store and table, demo city loaded, streams
 * driven explicitly with `runtime.poller.drain()` so tests are deterministic.
 */
export async function startTestCity(overrides: Partial<CityRuntimeOptions> = {}): Promise<TestCity> {
  const issuer = overrides.issuer ?? (await DevIssuer.ephemeral());
  const runtime = await startCityRuntime({
    city: exampleCity(),
    issuer,
    port: 0,
    tableName: "mutua-test",
    useEnvironmentEndpoint: false,
    pollStreams: false,
    schedules: false,
    ...overrides,
  });
  const token = (handle: string) => issuer.sign(demoSubject(handle));
  return {
    runtime,
    issuer,
    url: runtime.url,
    apiUrl: `${runtime.url}${API_PREFIX}`,
    token,
    async call(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.as) headers.authorization = `Bearer ${await token(options.as)}`;
      let body: string | undefined = options.rawBody;
      if (options.body !== undefined) {
        body = JSON.stringify(options.body);
        headers["content-type"] = "application/json";
      }
      if (body !== undefined) headers["content-length"] = String(Buffer.byteLength(body));
      // node:http rather than fetch, which refuses a body on GET and would hide what the API does with one.
      const { status, text } = await new Promise<{ status: number; text: string }>(
        (resolvePromise, reject) => {
          const req = request(`${runtime.url}${API_PREFIX}${path}`, { method, headers }, (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (chunk: Buffer) => chunks.push(chunk));
            res.on("end", () =>
              resolvePromise({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
            );
            res.on("error", reject);
          });
          req.on("error", reject);
          req.end(body);
        },
      );
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      if (status >= 200 && status < 300) await checkContract(method, path, parsed);
      return { status, body: parsed, text };
    },
    stop: () => runtime.stop(),
  };
}

/** A test city as a file's tests see it: the city of the running test, and its demo members' ids. */
export type LiveTestCity = TestCity & {
  /** Demo handles to member ids (`ids.ben`), of the city the running test has. */
  readonly ids: Readonly<Record<string, string>>;
};

export interface UseTestCityOptions extends Partial<CityRuntimeOptions> {
  /**
   * A city of its own for every test, so that no test sees what another one left behind: any order,
   * and any one test alone, runs the same. Without it the tests of the file (or describe block) share one.
   */
  each?: boolean;
  /** Prepares each city once it has started (a stream drain, members or posts the tests need). */
  ready?: (city: TestCity) => Promise<void>;
}

/**
 * The test city of a file, or of the describe block it is called in: started before its tests and
 * stopped after them. What it returns stands for the running city, so it is used inside tests and
 * hooks only.
 */
export function useTestCity(options: UseTestCityOptions = {}): LiveTestCity {
  const { each = false, ready, ...overrides } = options;
  let current: TestCity | undefined;
  const running = (): TestCity => {
    if (!current) throw new Error("The test city runs only during its tests and hooks");
    return current;
  };
  const start = async () => {
    current = await startTestCity(overrides);
    await ready?.(current);
  };
  const stop = async () => {
    const city = current;
    current = undefined;
    await city?.stop();
  };
  if (each) {
    beforeEach(start);
    afterEach(stop);
  } else {
    beforeAll(start);
    afterAll(stop);
  }
  const ids = new Proxy({} as Readonly<Record<string, string>>, {
    get: (_, name) => (typeof name === "string" ? running().runtime.demoIds?.[name] : undefined),
    has: (_, name) => typeof name === "string" && name in (running().runtime.demoIds ?? {}),
    ownKeys: () => Reflect.ownKeys(running().runtime.demoIds ?? {}),
    getOwnPropertyDescriptor: (_, name) =>
      Reflect.getOwnPropertyDescriptor(running().runtime.demoIds ?? {}, name),
  });
  return new Proxy({} as LiveTestCity, {
    get: (_, name) => (name === "ids" ? ids : Reflect.get(running(), name)),
    has: (_, name) => name === "ids" || name in running(),
  });
}
