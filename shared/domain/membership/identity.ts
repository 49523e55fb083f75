import type { Deps } from "#domain/deps.ts";
import type { Member } from "./member.ts";

export interface WhoAmI {
  subject: string;
  /** null when the subject has signed in but has not joined the time bank yet. */
  member: Member | null;
}

/** Resolves who is calling. Roles come from Mutua's own records, never from token attributes. */
export async function whoAmI(deps: Pick<Deps, "members">, subject: string): Promise<WhoAmI> {
  const member = await deps.members.getBySubject(subject);
  return { subject, member: member ?? null };
}
