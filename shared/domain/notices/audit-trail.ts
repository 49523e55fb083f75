import { conversationReportSchema } from "#domain/conversations/conversation.ts";
import { exchangeSchema } from "#domain/exchanges/exchange.ts";
import { memberSchema } from "#domain/membership/member.ts";
import { postSchema } from "#domain/posts/post.ts";
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
  /** The member the actor acted for, when it was not the subject's own trail that says so. */
  onBehalfOf: z.optional(z.string()),
  /** The item's id when the subject is not the item (an exchange in each party's trail). */
  targetId: z.optional(z.string()),
  /** An exchange's status after the change (proposed, accepted, ..., settled). */
  status: z.optional(z.string()),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

type Image = Record<string, unknown>;

/**
 * What a person reads as a change: the fields of the entity's own schema. Anything else on the
 * stored item (keys, index attributes, the stored card) is how it is kept, not what it says.
 */
const auditedFields: Record<string, ReadonlySet<string>> = {
  Member: new Set(Object.keys(memberSchema.shape)),
  Post: new Set(Object.keys(postSchema.shape)),
  ConversationReport: new Set(Object.keys(conversationReportSchema.shape)),
};

// Bookkeeping of every change (the trail has its own time and actor), and a post's search words,
// which follow its title and tags (already listed when they change).
const bookkeeping = new Set(["updatedAt", "updatedBy", "words"]);

/** Which entity types are audited, and whose trail an item belongs to. */
const subjectOf: Record<string, (item: Image) => string | undefined> = {
  Member: (item) => (typeof item.memberId === "string" ? item.memberId : undefined),
  // A post's changes belong to its owner's trail (a coordinator editing it shows as the actor).
  Post: (item) => (typeof item.ownerId === "string" ? item.ownerId : undefined),
  // A report and the coordinator's decision on it belong to the reported member's trail.
  ConversationReport: (item) => (typeof item.reportedId === "string" ? item.reportedId : undefined),
};

/**
 * What an exchange's change is: its own fields, less bookkeeping, and less its parties' names,
 * which only erasure rewrites (a pseudonym is nobody's step in the exchange).
 */
const exchangeFields = new Set(
  Object.keys(exchangeSchema.shape).filter(
    (name) => !["updatedAt", "updatedBy", "updatedFor", "version", "statusAt", "parties"].includes(name),
  ),
);

function changedFields(oldImage: Image | undefined, newImage: Image | undefined, own: ReadonlySet<string>) {
  const names = new Set([...Object.keys(oldImage ?? {}), ...Object.keys(newImage ?? {})]);
  return [...names]
    .filter((name) => own.has(name) && !bookkeeping.has(name))
    .filter((name) => JSON.stringify(oldImage?.[name]) !== JSON.stringify(newImage?.[name]))
    .sort();
}

/**
 * Turns one change into the audit entries it makes: an exchange's step goes into the trail of
 * each party (who acted, for whom, the status it reached); other audited items make one entry.
 */
export function auditEntriesFor(
  eventId: string,
  at: string,
  oldImage: Image | undefined,
  newImage: Image | undefined,
): AuditEntry[] {
  const image = newImage ?? oldImage;
  if (image?.entity !== "Exchange") {
    const entry = auditEntryFor(eventId, at, oldImage, newImage);
    return entry ? [entry] : [];
  }
  const change = !oldImage ? "created" : !newImage ? "removed" : "updated";
  const fields = changedFields(oldImage, newImage, exchangeFields);
  if (change === "updated" && fields.length === 0) return [];
  const parties = Array.isArray(image.parties) ? image.parties : [];
  const actor = typeof image.updatedBy === "string" ? image.updatedBy : "system";
  const onBehalfOf = typeof image.updatedFor === "string" ? image.updatedFor : undefined;
  return parties.flatMap((party: unknown) => {
    const memberId = (party as { memberId?: unknown } | null)?.memberId;
    if (typeof memberId !== "string") return [];
    return [
      {
        subjectId: memberId,
        actorId: actor,
        target: "Exchange",
        change,
        fields,
        at,
        eventId,
        ...(onBehalfOf && onBehalfOf !== actor ? { onBehalfOf } : {}),
        ...(typeof image.exchangeId === "string" ? { targetId: image.exchangeId } : {}),
        ...(typeof image.status === "string" ? { status: image.status } : {}),
      },
    ];
  });
}

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
  const own = auditedFields[entity];
  const fields = [...names]
    .filter((name) => own?.has(name) === true && !bookkeeping.has(name))
    .filter((name) => JSON.stringify(oldImage?.[name]) !== JSON.stringify(newImage?.[name]))
    .sort();
  if (change === "updated" && fields.length === 0) return undefined;
  // Nobody removes an audited item by hand: a removal is the city's retention rule (TTL).
  const actor = change === "removed" ? "system" : (newImage?.updatedBy ?? oldImage?.updatedBy);
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
