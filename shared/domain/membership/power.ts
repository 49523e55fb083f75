import { SelfDealingError } from "#domain/kernel/errors.ts";
import { coordinatesArea, isCoordinatorOrAdmin, type Member } from "./member.ts";

/**
 * The rules of power: who may use a coordinator's or an admin's powers on whom.
 *
 * - Scope: a coordinator manages the members of their areas (every area when their scope is
 *   empty); only admins manage other coordinators and admins.
 * - No self-dealing: nobody uses a power for their own benefit. An account is one's own when it
 *   is one's own member account or an organisation one administers. Awarding, granting or
 *   reversing towards it, raising its limits, approving or verifying oneself, settling an exchange
 *   one takes part in, or arranging one with oneself while acting for the other side: all are
 *   refused with 403 `SELF_DEALING`, whatever else the request says.
 */

/** Whether `account` is the actor's own: their member account, or an organisation they administer. */
export function isOwnAccount(
  actor: Pick<Member, "memberId">,
  account: Pick<Member, "memberId" | "kind" | "admins">,
) {
  return (
    account.memberId === actor.memberId ||
    (account.kind === "organisation" && account.admins.includes(actor.memberId))
  );
}

/** Whether a coordinator may manage a member: in scope, and a fellow coordinator only for admins. */
export function mayManage(actor: Member, member: Member): boolean {
  return (
    coordinatesArea(actor, member.area) && (!isCoordinatorOrAdmin(member) || actor.roles.includes("admin"))
  );
}

/**
 * @throws SelfDealingError when the account is the actor's own.
 */
export function refuseSelfDealing(
  actor: Pick<Member, "memberId">,
  account: Pick<Member, "memberId" | "kind" | "admins">,
  what: string,
  path?: string,
): void {
  if (!isOwnAccount(actor, account)) return;
  throw new SelfDealingError(
    `Nobody ${what} for themselves or an organisation they run: another coordinator or admin must do it`,
    path ? [{ path, message: "This is your own account" }] : undefined,
  );
}
