import type { WebConfig } from "#shared/config/web.ts";

export type { WebConfig };
export type CityConfig = WebConfig["city"];

let loaded: WebConfig | undefined;

/** The city's public settings and how people sign in, served beside the app as /config.json. */
export async function loadConfig(): Promise<WebConfig> {
  const response = await fetch("/config.json", { headers: { accept: "application/json" } });
  if (!response.ok) throw new Error(`config.json: ${response.status}`);
  loaded = (await response.json()) as WebConfig;
  return loaded;
}

/** The configuration loaded at start; every screen runs after it. */
export function config(): WebConfig {
  if (!loaded) throw new Error("config.json is not loaded yet");
  return loaded;
}

export function city(): CityConfig {
  return config().city;
}
