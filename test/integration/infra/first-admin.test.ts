import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RuleViolationError } from "#domain/kernel/errors.ts";
import { createFirstAdmin } from "#domain/membership/first-admin.ts";
import type { Member } from "#domain/membership/member.ts";
import { demoSubject } from "../../../infra/local/demo.ts";
import { repoRoot } from "../../../infra/local/paths.ts";
import { exampleCity, startTestCity, type TestCity } from "../../support/city.ts";

/** A new city (no demo, nobody in it) gets its first admin from a command with deploy rights. */
// Each run of the command starts a Node process (and may start a store): a generous bound, not a speed target.
const COMMAND_TIMEOUT = 180_000;
const run = promisify(execFile);
let city: TestCity;
const dir = mkdtempSync(join(tmpdir(), "mutua-first-admin-"));
const cityFile = join(dir, "city.json");

beforeAll(async () => {
  writeFileSync(cityFile, JSON.stringify(exampleCity()));
  // The city runs as `npm start` would run it from `dir`: its table, its data folder.
  city = await startTestCity({ demo: false, tableName: "mutua-riverside", dataDir: join(dir, "riverside") });
});
afterAll(async () => {
  await city?.stop();
  rmSync(dir, { recursive: true, force: true });
});

type Outcome = { code: number; out: string; err: string };

/**
 * The command as an operator runs it: on this machine (the local city's data under `dataDir`,
 * reached through the running store, or opened itself), or against a deployed table (`--table`,
 * here the test city's store standing in for DynamoDB).
 */
function firstAdmin(
  args: string[],
  where: { dataDir: string } | "table" = { dataDir: dir },
): Promise<Outcome> {
  const { DYNAMODB_ENDPOINT: _own, ...env } = process.env;
  const options =
    where === "table"
      ? {
          args: ["--table", "mutua-riverside"],
          env: { ...env, DYNAMODB_ENDPOINT: city.runtime.store.endpoint },
        }
      : { args: [], env: { ...env, MUTUA_DATA_DIR: where.dataDir } };
  return run(
    process.execPath,
    ["--import", "tsx", "infra/first-admin.ts", ...args, ...options.args, "--city", cityFile],
    {
      cwd: repoRoot,
      env: { ...options.env, AWS_REGION: "local" },
    },
  ).then(
    (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
  );
}

describe("the first admin of a new city", () => {
  it("without one, a join waits forever: nobody may approve it", async () => {
    const join = await city.call("POST", "/members/join", {
      as: "greta",
      body: { displayName: "Greta", area: "north-park", languages: ["en"], consent: true },
    });
    expect(join.status, join.text).toBe(201);
    expect(await city.runtime.deps.members.listCoordinators()).toEqual([]);
  });

  it(
    "the command makes the login an active admin, who then approves the people waiting",
    async () => {
      // On this machine, while the city runs: the login name is the one `npm run token -- olga` signs.
      const made = await firstAdmin(["olga", "--name", "Olga Admin", "--area", "old-town"]);
      expect(made.code, made.err).toBe(0);
      expect(made.out).toContain("Olga Admin is the first admin of Riverside");
      const me = await city.call("GET", "/me", { as: "olga" });
      expect(me.status, me.text).toBe(200);
      expect((me.body as { member: Member }).member).toMatchObject({
        displayName: "Olga Admin",
        status: "active",
        roles: expect.arrayContaining(["admin"]),
        area: "old-town",
      });
      const pending = await city.call("GET", "/members?status=pending&area=north-park", { as: "olga" });
      const greta = (pending.body as { items: Member[] }).items.find((m) => m.displayName === "Greta");
      expect(greta).toBeDefined();
      const approved = await city.call("POST", `/members/${greta?.memberId}/status`, {
        as: "olga",
        body: { decision: "approve" },
      });
      expect(approved.status, approved.text).toBe(200);
    },
    COMMAND_TIMEOUT,
  );

  it(
    "refuses once the city has an admin, whoever asks, and changes nothing",
    async () => {
      // As against a deployed city: its table, a Cognito subject.
      const again = await firstAdmin(
        ["--subject", demoSubject("mallory"), "--name", "Mallory", "--area", "old-town"],
        "table",
      );
      expect(again.code).not.toBe(0);
      expect(again.err).toContain("already has an admin");
      expect(await city.runtime.deps.members.getBySubject(demoSubject("mallory"))).toBeUndefined();
      // The use-case itself refuses too, even when the index has not caught up: a first admin is made once.
      const members = Object.create(city.runtime.deps.members, {
        listCoordinators: { value: async () => [] },
      });
      const deps = { ...city.runtime.deps, members };
      await expect(
        createFirstAdmin(deps, { subject: demoSubject("mallory"), displayName: "Mallory", area: "old-town" }),
      ).rejects.toBeInstanceOf(RuleViolationError);
      expect(await city.runtime.deps.members.getBySubject(demoSubject("mallory"))).toBeUndefined();
    },
    COMMAND_TIMEOUT,
  );

  it(
    "names a login by its local name, and refuses bad input with a clear message",
    async () => {
      const badArea = await firstAdmin(["someone", "--area", "atlantis"]);
      expect(badArea.code).not.toBe(0);
      expect(badArea.err).toContain("area");
      const noLogin = await firstAdmin(["--name", "Nobody"]);
      expect(noLogin.code).not.toBe(0);
      expect(noLogin.err).toContain("Usage");
    },
    COMMAND_TIMEOUT,
  );
});

describe("a local city that is not running", () => {
  it(
    "the command opens its store itself; a second run finds the admin and refuses",
    async () => {
      const offline = mkdtempSync(join(tmpdir(), "mutua-first-admin-offline-"));
      try {
        const made = await firstAdmin(["petra", "--name", "Petra", "--area", "canal-side"], {
          dataDir: offline,
        });
        expect(made.code, made.err).toBe(0);
        expect(made.out).toContain("Petra is the first admin of Riverside");
        const again = await firstAdmin(["quinn"], { dataDir: offline });
        expect(again.code).toBe(1);
        expect(again.err).toContain("already has an admin (Petra)");
      } finally {
        rmSync(offline, { recursive: true, force: true });
      }
    },
    COMMAND_TIMEOUT,
  );
});

describe("a login that has joined already", () => {
  it("an existing member (who joined, pending) becomes the admin rather than a second record", async () => {
    const other = await startTestCity({ demo: false });
    try {
      const join = await other.call("POST", "/members/join", {
        as: "hugo",
        body: { displayName: "Hugo", area: "hillcrest", languages: ["fr"], consent: true },
      });
      expect(join.status).toBe(201);
      const admin = await createFirstAdmin(other.runtime.deps, { subject: demoSubject("hugo") });
      expect(admin).toMatchObject({
        displayName: "Hugo",
        status: "active",
        area: "hillcrest",
        verified: true,
      });
      expect(admin.roles).toEqual(expect.arrayContaining(["resident", "admin"]));
      expect(admin.memberId).toBe((join.body as Member).memberId);
    } finally {
      await other.stop();
    }
  });
});
