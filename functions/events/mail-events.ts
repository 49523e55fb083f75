import type { Context, EventBridgeEvent } from "aws-lambda";
import { productionDeps } from "#data/deps.ts";
import { markUndeliverable, parseMailEvent } from "#domain/notices/mail.ts";
import { invocationFields, log, withLogContext } from "#shared/logger.ts";

/**
 * SES's bounce and complaint events (the city's configuration set publishes them to EventBridge):
 * a permanent bounce or a complaint marks the member's address undeliverable, so nothing more is
 * sent to it. A failure throws: Lambda retries the event, then it lands in the dead-letter queue.
 */
export async function handler(event: EventBridgeEvent<string, unknown>, context: Context): Promise<void> {
  const deps = productionDeps();
  await withLogContext(
    { ...invocationFields(context), city: deps.city.id, consumer: "mail-events" },
    async () => {
      for (const target of parseMailEvent(event.detail)) {
        const outcome = await markUndeliverable(deps, target);
        log.info("mail event", { memberId: target.memberId, reason: target.reason, outcome });
      }
    },
  );
}
