import { parseArgs } from "node:util";
import { replayFailures } from "../../functions/streams/replay.ts";
import { listFailures } from "../../functions/streams/router-handler.ts";
import { productionFailureStore } from "../../shared/data/stream-failure-repository.ts";
import { invocationFields, withLogContext } from "../../shared/logger.ts";
import { manifest } from "../manifest.ts";
import { type AttachedCity, attachToLocalCity } from "./attach.ts";
import { lambdaContext } from "./lambda-context.ts";
import { localConsumers } from "./stream-poller.ts";

/**
 * `npm run replay`: delivers the stream records that failed every attempt of a consumer (and wait
 * in the failure store) to that consumer again, once each, after a fix; `--list` only shows them.
 * The same replay the router functions run in AWS, with the same consumer modules.
 */
const usage =
  "Usage: npm run replay -- [--list] [--consumer <name>] [--limit <n>] [--city cities/<file>.json]";
let values: { list?: boolean; consumer?: string; limit?: string; city: string };
try {
  ({ values } = parseArgs({
    options: {
      list: { type: "boolean" },
      consumer: { type: "string" },
      limit: { type: "string" },
      city: { type: "string", default: "cities/example.json" },
    },
  }));
} catch (error) {
  console.error(`${error instanceof Error ? error.message : String(error)}\n${usage}`);
  process.exit(2);
}
const names = manifest.consumers.map((c) => c.name);
if (values.consumer && !names.includes(values.consumer)) {
  console.error(`No consumer named ${values.consumer}. Consumers: ${names.join(", ")}\n${usage}`);
  process.exit(2);
}
const limit = values.limit === undefined ? undefined : Number(values.limit);
if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
  console.error(`--limit takes a whole number above zero\n${usage}`);
  process.exit(2);
}

let attached: AttachedCity;
try {
  attached = await attachToLocalCity(values.city);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}

const deps = { ...productionFailureStore(), now: () => new Date() };
let failed = false;
try {
  if (values.list) {
    const { failures, waiting } = await listFailures(deps, values.consumer, limit ?? 50);
    for (const f of failures) {
      console.log(
        `${f.failureId}  ${f.eventName} ${JSON.stringify(f.itemKey)}  ${f.attempts} attempts, first ${f.firstFailedAt}` +
          `${f.replayAttempts ? `, ${f.replayAttempts} failed replays` : ""}\n    ${f.error.name}: ${f.error.message}`,
      );
    }
    console.log(`Waiting in ${attached.city.name}'s failure store: ${summary(waiting)}.`);
  } else {
    const router = manifest.routers.reduce((longest, r) => Math.max(longest, r.timeoutSeconds), 0);
    const context = lambdaContext("replay", router * 1000);
    // The replay's lines carry an invocation's fields, as the router's replay command does in AWS.
    const report = await withLogContext({ ...invocationFields(context), city: deps.cityId }, () =>
      replayFailures(localConsumers(manifest.consumers), deps, context, { consumer: values.consumer, limit }),
    );
    for (const f of report.failed)
      console.log(`failed again: ${f.failureId}: ${f.error.name}: ${f.error.message}`);
    for (const s of report.skipped) console.log(`skipped: ${s.failureId}: ${s.reason}`);
    console.log(
      `Replayed through ${attached.where}: ${report.delivered.length} delivered, ${report.failed.length} failed again, ` +
        `${report.skipped.length} skipped. Still waiting: ${summary(report.waiting)}.`,
    );
    failed = report.failed.length > 0;
  }
} catch (error) {
  failed = true;
  console.error(`replay failed: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await attached.close();
}
process.exit(failed ? 1 : 0);

function summary(waiting: Record<string, number>): string {
  const entries = Object.entries(waiting);
  return entries.length === 0 ? "nothing" : entries.map(([name, n]) => `${n} for ${name}`).join(", ");
}
