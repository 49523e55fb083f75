import { en } from "zod/locales";
import * as zm from "zod/mini";
import { config } from "zod/mini";

// zod/mini ships without messages to keep Lambda bundles small; the English locale gives
// clients readable field-level messages ("Unrecognized key: \"x\"") for a few KB. Named imports
// and `export *` (not a re-exported namespace) let esbuild drop what a handler does not use.
config(en());

export * from "zod/mini";

/**
 * Text must be well-formed Unicode. JSON may carry a lone UTF-16 surrogate (`"\ud800"`), which no
 * store or mail server accepts, so it is refused where it arrives, as the field's fault.
 */
export const wellFormedText = zm.refine<string>(
  (text) => !/\p{Cs}/u.test(text),
  "must be well-formed Unicode text (a lone UTF-16 surrogate is not)",
);

/**
 * `z.string()` of this project: every string schema, in every request, stored item and response,
 * refuses malformed Unicode, so no text field can forget to.
 */
export function string(params?: Parameters<typeof zm.string>[0]): zm.ZodMiniString<string> {
  return zm.string(params).check(wellFormedText);
}

/** `z.url()` with the same rule: the URL parser itself accepts a lone surrogate. */
export function url(params?: Parameters<typeof zm.url>[0]): zm.ZodMiniURL {
  return zm.url(params).check(wellFormedText);
}
