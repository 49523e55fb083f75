import { afterEach, describe, expect, it } from "vitest";
import { newMember } from "#domain/membership/member.ts";
import { manifest } from "../../../../infra/manifest.ts";
import { attemptsOnPoison, seen } from "../../../fixtures/flaky-consumer.ts";
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

describe("stream poller retry and parking", () => {
  it("retries a failing record, parks it after maxRetries, and carries on with the rest", async () => {
    city = await startTestCity({
      demo: false,
      manifest: {
        ...manifest,
        consumers: [
          { name: "flaky", handler: "test/fixtures/flaky-consumer.ts", batchSize: 10, maxRetries: 2 },
        ],
      },
    });
    const { deps, poller } = city.runtime;
    await deps.members.create(member("m-1", "Before"), undefined);
    await deps.members.create(member("m-2", "Poison"), undefined);
    await deps.members.create(member("m-3", "After"), undefined);
    await poller.drain();

    expect(attemptsOnPoison).toHaveLength(3);
    expect(poller.parked).toHaveLength(1);
    expect(poller.parked[0]).toMatchObject({ consumer: "flaky", attempts: 3 });
    // Before the poison record once, after it once: nothing lost, nothing repeated.
    expect(seen).toHaveLength(2);
    expect(new Set(seen).size).toBe(2);
  });
});
