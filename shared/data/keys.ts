/**
 * Every key string in the table is built here, so the entity/key chart in the README has exactly
 * one implementation. Prefixes are upper-case entity names; ids are ULIDs or subjects.
 */
export const keys = {
  member: (memberId: string) => ({ pk: `MEMBER#${memberId}`, sk: "PROFILE" }),
  /** Maps an identity provider subject (Cognito `sub`) to a member; one item per subject. */
  identity: (subject: string) => ({ pk: `IDENTITY#${subject}`, sk: "IDENTITY" }),
  auditEntry: (subjectId: string, at: string, eventId: string) => ({
    pk: `AUDIT#${subjectId}`,
    sk: `${at}#${eventId}`,
  }),
  membersByStatus: (status: string, area: string) => `MEMBERS#${status}#${area}`,
  cityStats: (date: string) => ({ pk: "CITYSTATS", sk: date }),
  /** Inbox entries live under the member's partition, newest last by ULID. */
  notification: (memberId: string, notificationId: string) => ({
    pk: `INBOX#${memberId}`,
    sk: `NOTE#${notificationId}`,
  }),
  /** A notice sent on an outside channel (email, SMS). */
  delivery: (notificationId: string, channel: string) => ({ pk: `DELIVERY#${notificationId}`, sk: channel }),
  /** Marks that a notification with this dedupe key was delivered (exactly-once delivery). */
  inboxGuard: (memberId: string, dedupeKey: string) => ({
    pk: `INBOX#${memberId}`,
    sk: `GUARD#${dedupeKey}`,
  }),
  // -- posts (issue: residents, organisations, offers and requests) --
  // -- exchanges and ledger --
} as const;
