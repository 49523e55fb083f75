import type { Deps } from "#domain/deps.ts";
import { proposeExchange, transitionExchange } from "#domain/exchanges/use-cases.ts";
import { changeAccountLimits } from "#domain/ledger/accounts.ts";
import { POT_ACCOUNT_ID } from "#domain/ledger/books.ts";
import { grantFromPot } from "#domain/ledger/credits.ts";
import type { Member } from "#domain/membership/member.ts";

/** Welcome credit each demo resident gets from the community pot. */
export const DEMO_WELCOME_MINUTES = 60;
/** How far the demo pot may go below zero to pay welcome credits (an admin's choice). */
export const DEMO_POT_CREDIT_LIMIT_MINUTES = 100 * 60;

/**
 * The demo city's ledger, loaded right after its members (`seedDemoCity`) through the same
 * use-cases the API runs: the pot may pay welcome credits (set by Sam, the admin), every active
 * resident gets one (given by Dora, the coordinator; hers by Sam), and Chen has helped Ben once, so statements
 * and reports have something to show. Amira acts for the kitchen. The kitchen has no issuance
 * quota yet: the README shows an admin setting one.
 * @throws Error when a demo member it needs is missing.
 */
export async function seedDemoLedger(deps: Deps, ids: Readonly<Record<string, string>>): Promise<void> {
  const member = async (handle: string): Promise<Member> => {
    const found = await deps.members.get(ids[handle] ?? "");
    if (!found) throw new Error(`demo member ${handle} is missing`);
    return found;
  };
  const [sam, dora, amira, ben, chen, kitchen] = await Promise.all(
    ["sam", "dora", "amira", "ben", "chen", "kitchen"].map(member),
  );
  if (!sam || !dora || !amira || !ben || !chen || !kitchen) throw new Error("demo members are missing");

  if (!kitchen.admins.includes(amira.memberId)) {
    const now = deps.clock.now().toISOString();
    await deps.members.update(
      { ...kitchen, admins: [...kitchen.admins, amira.memberId], updatedAt: now, updatedBy: sam.memberId },
      kitchen.updatedAt,
    );
  }

  await changeAccountLimits(deps, sam, POT_ACCOUNT_ID, {
    creditLimitMinutes: DEMO_POT_CREDIT_LIMIT_MINUTES,
    maxBalanceMinutes: 1_000_000,
  });
  for (const resident of [amira, ben, chen, dora, sam]) {
    // Nobody grants to themselves: Sam, the admin, gives Dora hers.
    const giver = resident === dora ? sam : dora;
    await grantFromPot(
      deps,
      giver,
      { memberId: resident.memberId, minutes: DEMO_WELCOME_MINUTES, reason: "Welcome to the time bank" },
      {
        scope: giver.memberId,
        key: `demo-welcome-${resident.memberId}`,
        fingerprint: `demo-welcome-${resident.memberId}`,
      },
    );
  }

  const helped = await proposeExchange(
    deps,
    { actor: ben, subject: ben },
    {
      providerIds: [chen.memberId],
      receiverIds: [ben.memberId],
      minutes: 60,
      category: "digital-help",
      description: "Set up video calls on Ben's phone",
    },
  );
  const asChen = { actor: chen, subject: chen };
  const noKey = () => undefined;
  await transitionExchange(deps, asChen, helped.exchangeId, { action: "accept" }, noKey);
  await transitionExchange(deps, asChen, helped.exchangeId, { action: "complete", minutes: 60 }, noKey);
  await transitionExchange(
    deps,
    { actor: ben, subject: ben },
    helped.exchangeId,
    { action: "confirm" },
    noKey,
  );
}
