/** Message catalogues compiled at build time (web/build/messages.ts). */
declare module "virtual:messages/*" {
  const messages: Record<string, string | ((params: Record<string, string | number>) => string)>;
  export default messages;
}
