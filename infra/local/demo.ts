import type { Deps } from "#domain/deps.ts";
import { type Member, newMember, type Role } from "#domain/membership/member.ts";

export interface DemoMember {
  handle: string;
  displayName: string;
  kind: Member["kind"];
  status: Member["status"];
  roles: Role[];
  coordinatorAreas: string[];
  area: string;
  languages: Member["languages"];
  /** What a newcomer would use this member for. */
  about: string;
  skills?: { categories: string[]; tags: string[] };
  home?: { lat: number; lon: number };
  availability?: { day: number; from: string; to: string }[];
  contact?: Member["contact"];
  /** Organisations: the handles of the residents who act for it. */
  adminHandles?: string[];
  organisationType?: Member["organisationType"];
}

/** The small demo city a first `npm start` loads, so a newcomer has people to see and act as. */
export const demoMembers: readonly DemoMember[] = [
  {
    handle: "amira",
    displayName: "Amira Haddad",
    kind: "person",
    status: "active",
    roles: ["resident"],
    coordinatorAreas: [],
    area: "old-town",
    languages: ["en", "fr"],
    about: "resident in Old Town; gardens, cooks",
    skills: { categories: ["gardening", "cooking"], tags: ["vegetables", "soup", "french"] },
    contact: { preference: "email", email: "amira@example.org" },
    home: { lat: 50.8467, lon: 4.3525 },
    availability: [
      { day: 2, from: "14:00", to: "18:00" },
      { day: 5, from: "09:00", to: "12:00" },
    ],
  },
  {
    handle: "ben",
    displayName: "Ben Jacobs",
    kind: "person",
    status: "active",
    roles: ["resident"],
    coordinatorAreas: [],
    area: "canal-side",
    languages: ["en", "nl"],
    about: "resident in Canal Side; fixes bikes and shelves",
    skills: { categories: ["diy-repairs", "transport"], tags: ["bicycles", "shelves", "dutch"] },
    home: { lat: 50.8589, lon: 4.3379 },
    availability: [{ day: 5, from: "10:00", to: "16:00" }],
  },
  {
    handle: "chen",
    displayName: "Chen Wei",
    kind: "person",
    status: "active",
    roles: ["resident"],
    coordinatorAreas: [],
    area: "north-park",
    languages: ["en"],
    about: "resident in North Park; helps with phones and forms",
    skills: { categories: ["digital-help", "admin-forms"], tags: ["smartphones", "email", "taxes"] },
    home: { lat: 50.8712, lon: 4.3601 },
    availability: [
      { day: 0, from: "18:00", to: "21:00" },
      { day: 3, from: "18:00", to: "21:00" },
    ],
  },
  {
    handle: "dora",
    displayName: "Dora Peeters",
    kind: "person",
    status: "active",
    roles: ["resident", "coordinator"],
    coordinatorAreas: [],
    area: "old-town",
    languages: ["en", "nl", "fr"],
    about: "coordinator for the whole city",
  },
  {
    handle: "emil",
    displayName: "Emil Laurent",
    kind: "person",
    status: "active",
    roles: ["resident", "coordinator"],
    coordinatorAreas: ["hillcrest"],
    area: "hillcrest",
    languages: ["fr", "en"],
    about: "coordinator for Hillcrest only",
  },
  {
    handle: "sam",
    displayName: "Sam Okafor",
    kind: "person",
    status: "active",
    roles: ["resident", "admin"],
    coordinatorAreas: [],
    area: "canal-side",
    languages: ["en"],
    about: "city administrator (council operator)",
  },
  {
    handle: "kitchen",
    displayName: "Riverside Community Kitchen",
    kind: "organisation",
    status: "active",
    roles: ["resident"],
    coordinatorAreas: [],
    area: "old-town",
    languages: ["en", "nl"],
    about: "organisation: a charity kitchen that awards credits to volunteers (amira acts for it)",
    adminHandles: ["amira"],
    organisationType: "charity",
  },
  {
    handle: "fatou",
    displayName: "Fatou Diallo",
    kind: "person",
    status: "pending",
    roles: ["resident"],
    coordinatorAreas: [],
    area: "north-park",
    languages: ["fr", "en"],
    about: "has asked to join; waiting for a coordinator",
  },
];

/** The login subject of a demo member (what Cognito's `sub` would be in the cloud). */
export function demoSubject(handle: string): string {
  return `local-${handle}`;
}

/** Loads the demo city through the same repository the handlers use. Returns member ids by handle. */
export async function seedDemoCity(
  deps: Pick<Deps, "members" | "clock" | "ids">,
): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  const now = deps.clock.now().toISOString();
  // People first, so organisations can name their admins.
  const ordered = [...demoMembers].sort(
    (a, b) => Number(a.kind === "organisation") - Number(b.kind === "organisation"),
  );
  for (const demo of ordered) {
    const memberId = deps.ids.next();
    ids[demo.handle] = memberId;
    const { handle, about: _about, adminHandles = [], ...fields } = demo;
    await deps.members.create(
      newMember({
        memberId,
        ...fields,
        admins: adminHandles.map((h) => ids[h] ?? ""),
        createdAt: now,
        updatedAt: now,
        verified: demo.status === "active",
      }),
      // Organisations act through their admins and have no login of their own.
      demo.kind === "person" ? demoSubject(handle) : undefined,
    );
  }
  return ids;
}

/**
 * The demo members one can sign in as in this city: the people (organisations have no login)
 * whose login exists, whichever start loaded them. None in a city started with `--empty`.
 */
export async function demoLogins(deps: Pick<Deps, "members">): Promise<DemoMember[]> {
  const people = demoMembers.filter((m) => m.kind === "person");
  const found = await Promise.all(people.map((m) => deps.members.getBySubject(demoSubject(m.handle))));
  return people.filter((_, i) => found[i] !== undefined);
}
