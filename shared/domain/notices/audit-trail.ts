import * as z from "#shared/zod.ts";

/** An entry in the audit trail: who changed what about whom. Built from stream records. */
export const auditEntrySchema = z.object({
  /** The member the change concerns. */
  subjectId: z.string(),
  /** The member who made the change, or "system" for scheduled and internal work. */
  actorId: z.string(),
  /** The entity type that changed (Member, Post, ...). */
  target: z.string(),
  change: z.enum(["created", "updated", "removed"]),
  /** Names of top-level fields whose value changed. */
  fields: z.array(z.string()),
  at: z.string(),
  /** The stream event id: the same record delivered twice yields the same entry. */
  eventId: z.string(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

type Image = Record<string, unknown>;

const ignoredFields = new Set([
  "updatedAt",
  "updatedBy",
  "statusPk",
  "statusSk",
  "coordinatorPk",
  "coordinatorSk",
]);

/** Which entity types are audited, and whose trail an item belongs to. */
const subjectOf: Record<string, (item: Image) => string | undefined> = {
  Member: (item) => (typeof item.memberId === "string" ? item.memberId : undefined),
  // A post's changes belong to its owner's trail (a coordinator editing it shows as the actor).
  Post: (item) => (typeof item.ownerId === "string" ? item.ownerId : undefined),
  // A report and the coordinator's decision on it belong to the reported member's trail.
  ConversationReport: (item) => (typeof item.reportedId === "string" ? item.reportedId : undefined),
};

/** Turns one change (old and new image) into an audit entry, or undefined if it is not audited. */
export function auditEntryFor(
  eventId: string,
  at: string,
  oldImage: Image | undefined,
  newImage: Image | undefined,
): AuditEntry | undefined {
  const image = newImage ?? oldImage;
  if (!image) return undefined;
  const entity = typeof image.entity === "string" ? image.entity : undefined;
  const subject = entity ? subjectOf[entity]?.(image) : undefined;
  if (!entity || !subject) return undefined;
  const change = !oldImage ? "created" : !newImage ? "removed" : "updated";
  const names = new Set([...Object.keys(oldImage ?? {}), ...Object.keys(newImage ?? {})]);
  const fields = [...names]
    .filter((name) => !ignoredFields.has(name) && name !== "pk" && name !== "sk")
    .filter((name) => JSON.stringify(oldImage?.[name]) !== JSON.stringify(newImage?.[name]))
    .sort();
  if (change === "updated" && fields.length === 0) return undefined;
  const actor = newImage?.updatedBy ?? oldImage?.updatedBy;
  return {
    subjectId: subject,
    actorId: typeof actor === "string" ? actor : "system",
    target: entity,
    change,
    fields,
    at,
    eventId,
  };
}
