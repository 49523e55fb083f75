import { type Member, newMember, type Role } from "../../shared/domain/member.ts";
import type { Deps } from "../../shared/domain/ports.ts";

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
    about: "organisation: a charity kitchen that awards credits to volunteers",
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
  for (const demo of demoMembers) {
    const memberId = deps.ids.next();
    ids[demo.handle] = memberId;
    const { handle, about: _about, ...fields } = demo;
    await deps.members.create(
      newMember({ memberId, ...fields, createdAt: now, updatedAt: now, verified: demo.status === "active" }),
      // Organisations act through their admins and have no login of their own.
      demo.kind === "person" ? demoSubject(handle) : undefined,
    );
  }
  return ids;
}
