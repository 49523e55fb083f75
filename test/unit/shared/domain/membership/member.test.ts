import { describe, expect, it } from "vitest";
import { coordinatesArea, type Member, newMember } from "#domain/membership/member.ts";

const person: Member = newMember({
  memberId: "m",
  kind: "person",
  displayName: "P",
  status: "active",
  roles: ["resident"],
  coordinatorAreas: [],
  area: "old-town",
  languages: ["en"],
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
});

describe("coordinator scope", () => {
  it("a city-wide coordinator covers every area", () => {
    expect(coordinatesArea({ ...person, roles: ["coordinator"] }, "hillcrest")).toBe(true);
  });
  it("an area coordinator covers only listed areas", () => {
    const emil = { ...person, roles: ["coordinator" as const], coordinatorAreas: ["hillcrest"] };
    expect(coordinatesArea(emil, "hillcrest")).toBe(true);
    expect(coordinatesArea(emil, "old-town")).toBe(false);
  });
  it("admins cover everything; residents and suspended coordinators nothing", () => {
    expect(coordinatesArea({ ...person, roles: ["admin"] }, "old-town")).toBe(true);
    expect(coordinatesArea(person, "old-town")).toBe(false);
    expect(coordinatesArea({ ...person, roles: ["coordinator"], status: "suspended" }, "old-town")).toBe(
      false,
    );
  });
});
