import type { Member } from "./member.ts";
import type { Deps } from "./ports.ts";

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
