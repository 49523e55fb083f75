/** The name a closed member's records keep: the same for all their records, nobody's real name. */
export function pseudonymOf(memberId: string): string {
  return `Former member ${memberId.slice(-6)}`;
}
