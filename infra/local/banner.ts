import type { Manifest } from "../manifest.ts";
import type { DemoMember } from "./demo.ts";
import { API_PREFIX } from "./http-adapter.ts";

export interface BannerInput {
  cityName: string;
  readyMs: number;
  url: string;
  /** Whether the web app was built and is served at the url. */
  webReady: boolean;
  store: { endpoint: string; spawned: boolean; startMs: number };
  /** Where the city's local files live (store, checkpoints, outbox). */
  dataDir: string;
  tableName: string;
  table: string;
  demoLoaded: boolean;
  manifest: Manifest;
  /** Routes only the local runtime serves (`GET /openapi.json`). */
  localRoutes: readonly string[];
  /** Demo members whose login exists in this city: the people one can sign in as. */
  logins: readonly Pick<DemoMember, "handle" | "about">[];
}

/** What `npm start` prints once the city answers: where things are and who one can be. */
export function startupBanner(input: BannerInput): string {
  const { store, manifest } = input;
  const route = (method: string, path: string, note: string) =>
    `              ${method.padEnd(6)} ${path}${note ? `  ${note}` : ""}`;
  const tokens =
    input.logins.length > 0
      ? `npm run token -- <member>   (members: ${input.logins.map((m) => m.handle).join(", ")})`
      : "npm run token -- <name>   (no demo members in this city: any name is a new login that can ask to join)";
  return [
    `Mutua — ${input.cityName} is running locally (ready in ${input.readyMs.toFixed(0)} ms)`,
    `  store     ${store.spawned ? `embedded, ${store.endpoint}, started in ${store.startMs.toFixed(0)} ms, data in ${input.dataDir}` : `external, ${store.endpoint}`}`,
    `  table     ${input.tableName} (${input.table})${input.demoLoaded ? ", demo city loaded" : ""}`,
    `  web app   ${input.webReady ? `${input.url}/` : "not built (see the error above)"}`,
    `  api       ${input.url}${API_PREFIX}`,
    ...manifest.routes.map((r) => route(r.method, `${API_PREFIX}${r.path}`, r.auth ? "(bearer token)" : "")),
    ...input.localRoutes.map((key) => {
      const [method = "GET", path = key] = key.split(" ");
      return route(method, path, "(local only)");
    }),
    `  streams   ${manifest.consumers.map((c) => c.name).join(", ") || "none"}`,
    `  schedules ${manifest.schedules.map((s) => `${s.name} every ${s.everyMinutes} min`).join(", ") || "none"}`,
    "            run one now: npm run schedule -- <name>",
    `  tokens    ${tokens}`,
    "",
    ...(input.webReady ? [`Open ${input.url}/ in a browser to use the time bank.`] : []),
    "Press Ctrl-C to stop.",
  ].join("\n");
}
