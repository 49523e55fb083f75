import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The browser tests and the README walkthrough's `npm start` serve the built web app.
    globalSetup: ["test/support/web-build.ts"],
    // A failed test prints the run's seed (test/support/seed.ts).
    setupFiles: ["test/support/seed-report.ts"],
    // Each file runs in its own process with its own in-memory store, so files run in parallel
    // without sharing tables or environment variables.
    pool: "forks",
    isolate: true,
    // No test depends on machine speed (bounded work, no fixed waits, no wall-clock assertions):
    // the timeouts only stop a hang. CI runs on two cores shared with other work, where a test
    // may take several times longer than alone, so they are generous and set here only.
    testTimeout: 300_000,
    // In CI a JSON report is kept too, so the CI script can print a plain "N passed, N failed" line.
    reporters: process.env.CI
      ? ["default", ["json", { outputFile: "test-results/vitest.json" }]]
      : ["default"],
    hookTimeout: 300_000,
  },
});
