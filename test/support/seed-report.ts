import { beforeEach } from "vitest";
import { seedNote } from "./seed.ts";

// Every test file loads this (vitest.config.ts `setupFiles`): a failed test names the run's seed,
// so whatever it drew at random can be drawn again.
beforeEach((context) => {
  context.onTestFailed(() => {
    console.error(`${context.task.name}: failed with ${seedNote()}`);
  });
});
