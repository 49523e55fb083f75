import { en } from "zod/locales";
import { config } from "zod/mini";

// zod/mini ships without messages to keep Lambda bundles small; the English locale gives
// clients readable field-level messages ("Unrecognized key: \"x\"") for a few KB. Named imports
// and `export *` (not a re-exported namespace) let esbuild drop what a handler does not use.
config(en());

export * from "zod/mini";
