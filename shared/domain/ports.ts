import type { City } from "../config/city.ts";
import type { AuditEntry } from "./audit.ts";
import type { Clock, IdGenerator } from "./clock.ts";
import type { Member, MemberStatus } from "./member.ts";

/** Storage port for members; the DynamoDB adapter lives in shared/data. */
export interface MemberRepository {
  get(memberId: string): Promise<Member | undefined>;
  /** The member an identity-provider subject is linked to, if any. */
  getBySubject(subject: string): Promise<Member | undefined>;
  /**
   * Stores a new member and links the subject to it, atomically.
   * @throws ConflictError when the member id or the subject is taken.
   */
  create(member: Member, subject: string | undefined): Promise<void>;
  /** How many members have this status in this area (an index count, not a scan). */
  countByStatus(status: MemberStatus, area: string): Promise<number>;
}

export interface AuditRepository {
  /** Stores an entry once; a second delivery of the same event is reported as a duplicate. */
  record(entry: AuditEntry): Promise<"recorded" | "duplicate">;
  listForSubject(subjectId: string, limit?: number): Promise<AuditEntry[]>;
}

export interface CityStats {
  date: string;
  membersByStatusAndArea: Record<string, Record<string, number>>;
  takenAt: string;
}

export interface StatsRepository {
  /** Writes the snapshot for its date, replacing an earlier one of the same day. */
  saveSnapshot(stats: CityStats): Promise<void>;
  getSnapshot(date: string): Promise<CityStats | undefined>;
}

/** What every use-case may depend on. Tests pass their own; handlers get the production set. */
export interface Deps {
  city: City;
  clock: Clock;
  ids: IdGenerator;
  members: MemberRepository;
  audit: AuditRepository;
  stats: StatsRepository;
}
