import { defineConfig } from "vite";
import { messagesPlugin } from "./build/messages.ts";

/** The resident web app: a static build served beside the API (`/api`) on one origin. */
export default defineConfig({
  root: import.meta.dirname,
  publicDir: "public",
  plugins: [messagesPlugin()],
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // Every screen but the first is its own chunk, loaded when visited.
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
    // Which chunks each screen needs; the web bench reads it (dist/.vite/manifest.json).
    manifest: true,
  },
  server: { proxy: { "/api": "http://localhost:3000", "/config.json": "http://localhost:3000" } },
});
