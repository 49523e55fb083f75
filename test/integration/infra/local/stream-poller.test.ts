import { afterEach, describe, expect, it } from "vitest";
import { newMember } from "#domain/membership/member.ts";
import { replayFailures } from "../../../../functions/streams/replay.ts";
import { lambdaContext } from "../../../../infra/local/lambda-context.ts";
import { localConsumers } from "../../../../infra/local/stream-poller.ts";
import { manifest, type StreamConsumerEntry } from "../../../../infra/manifest.ts";
import { productionFailureStore } from "../../../../shared/data/stream-failure-repository.ts";
import { attemptsOnPoison, seen } from "../../../fixtures/flaky-consumer.ts";
import { state as fragile } from "../../../fixtures/fragile-consumer.ts";
import { startTestCity, type TestCity } from "../../../support/city.ts";

let city: TestCity | undefined;
afterEach(async () => {
  await city?.stop();
  city = undefined;
});

function member(id: string, displayName: string) {
  const now = new Date().toISOString();
  return newMember({
    memberId: id,
    kind: "person" as const,
    displayName,
    status: "active" as const,
    roles: ["resident" as const],
    coordinatorAreas: [],
    area: "old-town",
    languages: ["en" as const],
    createdAt: now,
    updatedAt: now,
  });
}

const noWait = { pause: async () => {} };
const failureDeps = () => ({ ...productionFailureStore(), now: () => new Date() });

describe("stream poller with the audit-trail consumer", () => {
  it("delivers every change and a replay of the same records creates nothing new", async () => {
    city = await startTestCity();
    const { deps, demoIds, poller } = city.runtime;
    await poller.drain();
    const amira = demoIds?.amira ?? "";
    const first = await deps.audit.listForSubject(amira);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({
      subjectId: amira,
      target: "Member",
      change: "created",
      actorId: "system",
    });

    // A redelivery from the start of the stream (as after a lost checkpoint) must not duplicate entries.
    poller.rewind();
    await poller.drain();
    expect(await deps.audit.listForSubject(amira)).toEqual(first);
  });
});

describe("stream router: retries, the failure store and replay", () => {
  const flaky: StreamConsumerEntry = {
    name: "flaky",
    router: "streams-router",
    handler: "test/fixtures/flaky-consumer.ts",
    batchSize: 10,
    maxRetries: 2,
  };
  const fragileEntry: StreamConsumerEntry = {
    name: "fragile",
    router: "streams-router",
    handler: "test/fixtures/fragile-consumer.ts",
    batchSize: 10,
    maxRetries: 1,
    filter: { entities: ["Member"] },
  };

  it("retries a failing record, stores it whole after its attempts, and carries on; other consumers are untouched", async () => {
    fragile.broken = true;
    fragile.handled.length = 0;
    city = await startTestCity({
      demo: false,
      routerOptions: noWait,
      manifest: { ...manifest, consumers: [flaky, fragileEntry] },
    });
    const { deps, poller } = city.runtime;
    await deps.members.create(member("m-1", "Before"), undefined);
    await deps.members.create(member("m-2", "Poison"), undefined);
    await deps.members.create(member("m-3", "After"), undefined);
    await poller.drain();

    // flaky: 3 attempts on the poison record, each other record once; fragile: 2 attempts.
    expect(attemptsOnPoison).toHaveLength(3);
    expect(seen).toHaveLength(2);
    expect(new Set(seen).size).toBe(2);
    expect(fragile.handled.map((h) => h.displayName)).toEqual(["Before", "After"]);

    const store = productionFailureStore().failures;
    const { items } = await store.list(undefined, { limit: 10 });
    expect(items.map((f) => [f.consumer, f.attempts])).toEqual([
      ["flaky", 3],
      ["fragile", 2],
    ]);
    const stored = items.find((f) => f.consumer === "fragile");
    expect(stored).toMatchObject({
      eventName: "INSERT",
      itemKey: { pk: "MEMBER#m-2", sk: "PROFILE" },
      error: { name: "Error", message: "fragile cannot take poison" },
      occurrences: 1,
      replayAttempts: 0,
    });
    expect(Date.parse(stored?.firstFailedAt ?? "")).not.toBeNaN();
    // The record itself, whole, as the stream delivered it.
    expect(stored?.record?.dynamodb?.NewImage?.displayName).toEqual({ S: "Poison" });
    expect(stored?.record?.eventID).toBe(stored?.eventId);
    expect(await store.count()).toEqual({ flaky: 1, fragile: 1 });
  });

  it("replays a stored failure once after the fix; a second replay finds nothing", async () => {
    fragile.broken = true;
    fragile.handled.length = 0;
    city = await startTestCity({
      demo: false,
      routerOptions: noWait,
      manifest: { ...manifest, consumers: [fragileEntry] },
    });
    const { deps, poller } = city.runtime;
    await deps.members.create(member("m-9", "Poison"), undefined);
    await poller.drain();
    expect(fragile.handled).toEqual([]);

    const consumers = localConsumers([fragileEntry]);
    const context = lambdaContext("streams-router", 300_000);
    // Still broken: the replay fails, the failure stays with its count of replays.
    const early = await replayFailures(consumers, failureDeps(), context, noWait);
    expect(early.delivered).toEqual([]);
    expect(early.failed).toHaveLength(1);
    expect(early.waiting).toEqual({ fragile: 1 });

    fragile.broken = false;
    const fixed = await replayFailures(consumers, failureDeps(), context, noWait);
    expect(fixed.delivered).toHaveLength(1);
    expect(fixed.waiting).toEqual({});
    expect(fragile.handled.map((h) => h.displayName)).toEqual(["Poison"]);

    const again = await replayFailures(consumers, failureDeps(), context, noWait);
    expect(again).toEqual({ delivered: [], failed: [], skipped: [], waiting: {} });
    expect(fragile.handled).toHaveLength(1);
  });

  it("replays a projection's failure against the item as it is now, not the stale record", async () => {
    fragile.broken = true;
    fragile.handled.length = 0;
    const projection: StreamConsumerEntry = { ...fragileEntry, replay: "current-item" };
    city = await startTestCity({
      demo: false,
      routerOptions: noWait,
      manifest: { ...manifest, consumers: [projection] },
    });
    const { deps, poller } = city.runtime;
    const poison = member("m-7", "Poison");
    await deps.members.create(poison, undefined);
    await poller.drain();
    // The member changes after the failed record; the change itself is handled.
    fragile.broken = false;
    const later = new Date(Date.parse(poison.updatedAt) + 1000).toISOString();
    await deps.members.update({ ...poison, displayName: "Renamed", updatedAt: later }, poison.updatedAt);
    await poller.drain();
    expect(fragile.handled.map((h) => h.displayName)).toEqual(["Renamed"]);

    const report = await replayFailures(
      localConsumers([projection]),
      failureDeps(),
      lambdaContext("streams-router", 300_000),
      noWait,
    );
    expect(report.delivered).toHaveLength(1);
    expect(fragile.handled.map((h) => h.displayName)).toEqual(["Renamed", "Renamed"]);
  });
});
