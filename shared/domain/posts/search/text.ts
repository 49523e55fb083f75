/** Words shorter than this are not indexed: they match too much to narrow anything. */
const MIN_WORD = 2;
/** Longer "words" are noise (pasted links, ids); tags stop at 30 characters too. */
const MAX_WORD = 30;
/** A post is findable by at most this many words: each one costs an index item on every write. */
export const MAX_POST_WORDS = 32;

// The city languages' commonest function words: they would put nearly every post under one key.
const STOPWORDS = new Set([
  // en
  "an",
  "and",
  "are",
  "at",
  "be",
  "by",
  "can",
  "for",
  "from",
  "in",
  "is",
  "it",
  "me",
  "my",
  "of",
  "on",
  "or",
  "our",
  "the",
  "this",
  "to",
  "we",
  "with",
  "you",
  "your",
  // nl
  "de",
  "een",
  "en",
  "het",
  "ik",
  "je",
  "met",
  "mijn",
  "op",
  "te",
  // not "van": in English it is a vehicle people offer to drive
  "voor",
  // fr
  "au",
  "aux",
  "avec",
  "des",
  "du",
  "et",
  "la",
  "le",
  "les",
  "ma",
  "mes",
  "mon",
  "pour",
  "un",
  "une",
]);

/** Lower case without accents: "Café Ça" -> "cafe ca", so a search finds either spelling. */
export function foldText(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase();
}

/** The distinct search words of a text, in order of first appearance. */
export function wordsOf(text: string): string[] {
  const out = new Set<string>();
  for (const word of foldText(text).split(/[^\p{L}\p{N}]+/u)) {
    if (word.length < MIN_WORD || word.length > MAX_WORD || STOPWORDS.has(word)) continue;
    out.add(word);
  }
  return [...out];
}

/** The words a post is found by: its title's, then its tags'; at most MAX_POST_WORDS. */
export function postWordsOf(title: string, tags: readonly string[]): string[] {
  const out = new Set(wordsOf(title));
  for (const tag of tags) for (const word of wordsOf(tag)) out.add(word);
  return [...out].slice(0, MAX_POST_WORDS);
}

/** Whether every query word is one of the post's words (the AND semantics of a search box). */
export function hasAllWords(postWords: readonly string[], queryWords: readonly string[]): boolean {
  const set = new Set(postWords);
  return queryWords.every((word) => set.has(word));
}

/**
 * The query word to read the index by: the longest, as the likeliest to be rare (the others are
 * checked on the items read). Ties break alphabetically so the choice is stable across pages.
 */
export function leadingWord(queryWords: readonly string[]): string | undefined {
  return [...queryWords].sort((a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0))[0];
}
