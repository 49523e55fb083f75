import { parse, type Token } from "@messageformat/parser";

/**
 * Checks shared by the web app's catalogues and the notice catalogues: the same placeholders in
 * every language, and words of its own in each message.
 */

/** A message with no words of its own (only placeholders and signs) reads the same in every language. */
export function hasWords(message: string): boolean {
  return /\p{L}/u.test(message.replace(/\{[^{}]*\}/g, ""));
}

/**
 * Argument names a message uses, with their formats, including those of plurals and selects, and
 * the cases of selects.
 */
export function placeholders(message: string): string[] {
  const found = new Set<string>();
  const walk = (tokens: Token[]) => {
    for (const token of tokens) {
      if (token.type === "argument") found.add(token.arg);
      // A format belongs to the placeholder: `{minutes, duration}` is not `{minutes}`.
      if (token.type === "function") found.add(`${token.arg}:${token.key}`);
      if (token.type === "select")
        found.add(`${token.arg}:select(${token.cases.map((c) => c.key).join("|")})`);
      if (token.type === "plural" || token.type === "selectordinal") found.add(`${token.arg}:${token.type}`);
      if (token.type === "plural" || token.type === "select" || token.type === "selectordinal") {
        for (const c of token.cases) walk(c.tokens);
      }
    }
  };
  walk(parse(message));
  return [...found].sort();
}
