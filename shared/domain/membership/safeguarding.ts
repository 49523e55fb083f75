import { VerificationRequiredError } from "#domain/kernel/errors.ts";
import type { Member } from "./member.ts";

/**
 * Safeguarding rules shared by posts, exchanges and matches.
 *
 * Sensitive categories (`sensitive: true` in the city file: home visits, childcare) are for
 * verified members only: only a member a coordinator has verified may post in one, propose or
 * accept work in one, or be proposed it. A refusal names the member's field and writes nothing.
 *
 * A block (the `blocked` list of a profile) works both ways and silently: between two members of
 * whom one blocked the other there are no proposals, no matches and no match notices. The blocked
 * side is answered exactly as if the other member could not be found, so a block never shows.
 */

/**
 * @throws VerificationRequiredError naming `path` when the member is not verified.
 */
export function requireVerified(member: Pick<Member, "verified">, path: string, self: boolean): void {
  if (member.verified) return;
  throw new VerificationRequiredError(
    self
      ? "Only members verified by a coordinator can take part in work of a sensitive category"
      : "Work of a sensitive category is only for members verified by a coordinator",
    [
      {
        path,
        message: self ? "Ask a coordinator to verify you first" : "This member is not verified for it",
      },
    ],
  );
}

/** Whether either member has blocked the other. */
export function blockedEitherWay(
  a: Pick<Member, "memberId" | "blocked">,
  b: Pick<Member, "memberId" | "blocked">,
): boolean {
  return a.blocked.includes(b.memberId) || b.blocked.includes(a.memberId);
}
