import { describe, expect, it } from "vitest";
import { expectAccessible, focused, screenshot, signIn, useBrowserCity } from "./support/browser.ts";

/**
 * Two residents talk through the web app only: Ben (in English) writes to Chen from their
 * exchange, Chen (in Dutch) finds the message under Conversations and answers by keyboard alone.
 * Nobody's contact details are shown anywhere on the way.
 */
const app = useBrowserCity({}, async () => {
  await app.city.runtime.poller.drain();
});

describe("two residents exchange messages", () => {
  it("writes from an exchange, reads and answers from the conversations list, in two languages", async () => {
    const ben = await app.open({ language: "en" });
    await signIn(ben, { demo: "Ben Jacobs" });
    await ben.getByRole("link", { name: "Exchanges", exact: true }).click();
    await ben
      .getByRole("link", { name: /Chen Wei/ })
      .first()
      .click();
    await ben.getByRole("link", { name: "Write to the others in this exchange" }).click();
    await ben.getByRole("heading", { name: "With Chen Wei" }).waitFor();
    await expectAccessible(ben, "conversation, empty (en)");
    await ben
      .getByLabel("Your message")
      .fill("Thanks again! Could you show me the backup settings on Friday?");
    await ben.getByRole("button", { name: "Send" }).click();
    await ben.getByText("Could you show me the backup settings on Friday?").waitFor();
    expect(await ben.getByLabel("Your message").inputValue()).toBe("");
    await screenshot(ben, "conversation-ben-en");

    const chen = await app.open({ language: "nl" });
    await signIn(chen, { demo: "Chen Wei" });
    await chen.getByRole("link", { name: "Gesprekken", exact: true }).click();
    await chen.getByText("1 ongelezen bericht").waitFor();
    await expectAccessible(chen, "conversations (nl)");
    await chen.getByRole("link", { name: "Met Ben Jacobs" }).click();
    await chen.getByText("Could you show me the backup settings on Friday?").waitFor();
    await expectAccessible(chen, "conversation (nl)");
    // By keyboard alone: into the message box, type, Tab to "Versturen", Enter.
    await chen.getByLabel("Je bericht").focus();
    await chen.keyboard.type("Vrijdag om 18 uur past goed.");
    await chen.keyboard.press("Tab");
    expect((await focused(chen)).text).toBe("Versturen");
    await chen.keyboard.press("Enter");
    await chen.getByText("Vrijdag om 18 uur past goed.").waitFor();
    await screenshot(chen, "conversation-chen-nl");
    // Reading it cleared Chen's unread count.
    const list = await app.city.call("GET", "/me/conversations", { as: "chen" });
    expect((list.body as { items: { unread: number }[] }).items[0]?.unread).toBe(0);

    await ben.reload();
    await ben.getByText("Vrijdag om 18 uur past goed.").waitFor();
    const text = (await ben.locator("main").textContent()) ?? "";
    expect(text).not.toMatch(/@example\.org|\+32/);
  });
});
