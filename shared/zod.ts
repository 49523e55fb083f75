import * as z from "zod/mini";

// zod/mini ships without messages to keep Lambda bundles small; the English locale gives
// clients readable field-level messages ("Unrecognized key: \"x\"") for a few KB.
z.config(z.locales.en());

export { z };
