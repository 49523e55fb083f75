/**
 * Small grammar for messages built from words only known at run time (a status, an amount), so
 * none reads "A active member" or "1 minutes".
 */

/** "a pending" or "an active"; `capital` for the start of a sentence. */
export function withArticle(word: string, capital = false): string {
  const article = /^[aeiou]/i.test(word) ? "an" : "a";
  return `${capital ? article[0]?.toUpperCase() + article.slice(1) : article} ${word}`;
}

/** "1 minute", "90 minutes". */
export function minutesText(minutes: number): string {
  return `${minutes} ${Math.abs(minutes) === 1 ? "minute" : "minutes"}`;
}
