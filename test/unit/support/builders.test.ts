import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { exchangeSchema } from "#domain/exchanges/exchange.ts";
import { memberSchema } from "#domain/membership/member.ts";
import { postSchema } from "#domain/posts/post.ts";
import * as z from "#shared/zod.ts";
import { repoRoot } from "../../../infra/local/paths.ts";
import { aMember, anExchange, aPost } from "../../support/builders.ts";

const parses = (schema: z.ZodMiniType, value: unknown) => z.safeParse(schema, value).success;

describe("test builders", () => {
  it("build members that parse with the member schema, keeping the fields a test gives", () => {
    for (const member of [
      aMember(),
      aMember({ memberId: "org", kind: "organisation", admins: ["m"] }),
      aMember({ memberId: "coord", roles: ["resident", "coordinator"], coordinatorAreas: ["hillcrest"] }),
      aMember({ status: "suspended", verified: true, home: { lat: 50.85, lon: 4.35 } }),
    ]) {
      expect(parses(memberSchema, member)).toBe(true);
      expect(memberSchema.parse(member)).toEqual(member);
    }
    expect(aMember({ memberId: "org", kind: "organisation" }).organisationType).toBe("venue");
    expect(aMember({ area: "hillcrest" }).area).toBe("hillcrest");
  });

  it("refuse what the schema refuses, rather than build an invalid member", () => {
    expect(() => aMember({ displayName: "" })).toThrow();
  });

  it("build posts that parse with the post schema, with words and location following the fields", () => {
    for (const post of [
      aPost(),
      aPost({ kind: "request", title: "Help with roses", tags: ["garden"], category: "gardening" }),
      aPost({ where: { type: "online" }, status: "paused", capacity: 5 }),
    ]) {
      expect(parses(postSchema, post)).toBe(true);
      expect(postSchema.parse(post)).toEqual(post);
    }
    expect([...aPost({ title: "Help with roses", tags: ["garden"] }).words].sort()).toEqual([
      "garden",
      "help",
      "roses",
    ]);
    expect(aPost({ where: { type: "online" } }).location).toBeUndefined();
    expect(aPost({ ownerId: "o" })).toMatchObject({ createdBy: "o", updatedBy: "o" });
  });

  it("build exchanges that parse with the exchange schema", () => {
    for (const exchange of [
      anExchange(),
      anExchange({ status: "settled", settledMinutes: 120, transferId: "X-E1", version: 5 }),
    ]) {
      expect(parses(exchangeSchema, exchange)).toBe(true);
      expect(exchangeSchema.parse(exchange)).toEqual(exchange);
    }
    expect(() => anExchange({ version: 1.5 })).toThrow();
  });
});

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

it("no test builds a member by hand: aMember and storeMember are the one way", () => {
  const builders = join(repoRoot, "test", "support", "builders.ts");
  const files = sources(join(repoRoot, "test")).filter((file) => file !== builders);
  expect(files.length).toBeGreaterThan(50);
  const byHand = files.filter((file) => /\bnewMember\(/.test(readFileSync(file, "utf8")));
  expect(byHand.map((file) => relative(repoRoot, file))).toEqual([]);
});
