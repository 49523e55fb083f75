import { render } from "preact";
import { App } from "./app.tsx";
import { restoreSession } from "./auth/session.ts";
import { loadConfig } from "./config.ts";
import { deviceLocale, switchLocale } from "./i18n/index.ts";
import { applyTextSize } from "./layout.tsx";
import "./styles.css";

async function start(): Promise<void> {
  applyTextSize();
  await loadConfig();
  await Promise.all([switchLocale(deviceLocale()), restoreSession()]);
  const root = document.getElementById("app");
  if (root) render(<App />, root);
}

void start();
