import type { Page, PageRequest } from "#domain/kernel/paging.ts";
import type { Member, MemberStatus } from "./member.ts";

/** Storage port for members; the DynamoDB adapter lives in shared/data. */
export interface MemberRepository {
  get(memberId: string): Promise<Member | undefined>;
  /** Several members at once (missing ids are absent from the map). */
  getMany(memberIds: readonly string[]): Promise<Map<string, Member>>;
  /** The member an identity-provider subject is linked to, if any. */
  getBySubject(subject: string): Promise<Member | undefined>;
  /**
   * Stores a new member and links the subject to it, atomically.
   * @throws ConflictError when the member id or the subject is taken.
   */
  create(member: Member, subject: string | undefined): Promise<void>;
  /**
   * Replaces the member if nobody changed it since it was read (optimistic lock on updatedAt).
   * @throws ConflictError when it changed meanwhile.
   */
  update(next: Member, expectedUpdatedAt: string): Promise<void>;
  /**
   * The ids of the organisations whose admins named this person at some point (pointers written
   * with the organisation); the caller checks each organisation's current `admins`.
   */
  listAdministeredOrganisationIds(personId: string): Promise<string[]>;
  /** Members with a status in one area, oldest first (the coordinators' queue). */
  listByStatus(status: MemberStatus, area: string, page: PageRequest): Promise<Page<Member>>;
  /**
   * Every active coordinator and admin of the city (an index of them alone, read in full: a city
   * has tens of them, not thousands). Eventually consistent.
   */
  listCoordinators(): Promise<Member[]>;
  /**
   * Writes a city's first admin, once ever: a guard item (create-only) with the new member and its
   * login link, or with the existing member promoted (if unchanged since it was read).
   * @returns "taken" when a first admin was made before; "changed" when the member changed meanwhile.
   */
  claimFirstAdmin(
    admin: Member,
    link: { subject: string } | { expectedUpdatedAt: string },
  ): Promise<"claimed" | "taken" | "changed">;
  /** How many members have this status in this area (an index count, not a scan). */
  countByStatus(status: MemberStatus, area: string): Promise<number>;
}

/** What membership use-cases reach storage through. */
export interface MembershipPorts {
  members: MemberRepository;
}
