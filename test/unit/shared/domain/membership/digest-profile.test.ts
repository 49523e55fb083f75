import { describe, expect, it } from "vitest";
import {
  type DigestProfile,
  freshProfile,
  settledProfile,
} from "../../../../../shared/domain/matching/digest.ts";
import type { MatchIndexRepository } from "../../../../../shared/domain/matching/ports.ts";
import type { Member } from "../../../../../shared/domain/membership/member.ts";
import { decideMembership, setVerified } from "../../../../../shared/domain/membership/members.ts";
import { updateProfile } from "../../../../../shared/domain/membership/profile.ts";
import { aMember } from "../../../../support/builders.ts";
import { exampleCity } from "../../../../support/city.ts";

const city = exampleCity();
const now = new Date("2026-03-01T10:00:00.000Z");

/** Members in a map, and one digest profile per member as the index last wrote it. */
function world(people: Member[]) {
  const members = new Map(people.map((m) => [m.memberId, m]));
  const profiles = new Map<string, DigestProfile>(
    people.map((m) => [m.memberId, settledProfile(undefined, freshProfile(m, undefined))]),
  );
  const matchIndex = {
    reprofile: async (memberId: string, settle: (stored: DigestProfile) => DigestProfile) => {
      const stored = profiles.get(memberId);
      if (stored) profiles.set(memberId, settle(stored));
    },
  } as unknown as MatchIndexRepository;
  const deps = {
    city,
    clock: { now: () => now },
    ids: { next: () => "id" },
    inbox: { deliver: async () => "delivered" },
    ledger: { readAccount: async () => undefined },
    members: {
      get: async (id: string) => members.get(id),
      update: async (next: Member) => {
        members.set(next.memberId, next);
      },
    },
    matchIndex,
  };
  return { deps: deps as never, profiles };
}

describe("a member's own change reaches their digest profile with the change, not after it", () => {
  it("a language added, windows and blocks changed: in the profile when the update returns; signals' steps kept", async () => {
    const member = aMember({ memberId: "m1", languages: ["nl"] });
    const { deps, profiles } = world([member]);
    const before = profiles.get("m1") as DigestProfile;
    const added = city.languages.offered.find((l) => l !== "nl") ?? "fr";
    await updateProfile(
      deps,
      { actor: member, subject: member },
      {
        languages: ["nl", added],
        availability: [{ day: 1, from: "09:00", to: "11:00" }],
        blocked: ["m9"],
      },
    );
    expect(profiles.get("m1")).toEqual({
      ...before,
      languages: ["nl", added],
      windows: [{ day: 1, from: "09:00", to: "11:00" }],
      blocked: ["m9"],
    });
  });

  it("verified by a coordinator, or reinstated: in the profile when the decision returns", async () => {
    const admin = aMember({ memberId: "a1", roles: ["admin"] });
    const unverified = aMember({ memberId: "m2", verified: false });
    const suspended = aMember({ memberId: "m3", status: "suspended" });
    const { deps, profiles } = world([admin, unverified, suspended]);
    await setVerified(deps, admin, "m2", true);
    expect(profiles.get("m2")?.verified).toBe(true);
    expect(profiles.get("m3")?.active).toBe(false);
    await decideMembership(deps, admin, "m3", "reinstate");
    expect(profiles.get("m3")?.active).toBe(true);
  });
});
