/*
 * Plain-text measures shared by the SEO analysis and the offline AI provider: words, sentences, and
 * whole-word phrase matches. Case-insensitive; letters and digits of any script count as word characters.
 */

const WORD = /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu;

export function words(text: string): string[] {
  return text.match(WORD) ?? [];
}

/** Sentences of a text: split after `.`, `!` or `?` followed by a space. */
export function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+(?=\S)/u)
    .map((sentence) => sentence.trim())
    .filter((sentence) => words(sentence).length > 0);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A regular expression for `phrase` as whole words (any whitespace between them), case-insensitive. */
export function phrasePattern(phrase: string): RegExp | null {
  const parts = words(phrase);
  if (parts.length === 0) return null;
  const body = parts.map(escapeRegExp).join('[\\s\\u00a0]+');
  return new RegExp(`(?<![\\p{L}\\p{N}])${body}(?![\\p{L}\\p{N}])`, 'giu');
}

/** Where `phrase` occurs in `text` as whole words: `[start, end)` of each occurrence. */
export function phraseMatches(text: string, phrase: string): [number, number][] {
  const pattern = phrasePattern(phrase);
  if (!pattern) return [];
  return [...text.matchAll(pattern)].map((match) => [match.index, match.index + match[0].length]);
}

export function containsPhrase(text: string, phrase: string): boolean {
  return phraseMatches(text, phrase).length > 0;
}

/**
 * The targets the SEO analysis scores against and the offline optimiser writes towards
 * (docs/optimizer.md).
 */
export const SEO_TARGETS = {
  metaTitle: { min: 30, max: 60 },
  metaDescription: { min: 120, max: 160 },
  /** Primary-keyword density, percent of the words. */
  density: { min: 0.5, max: 2.5 },
  /** Average words per sentence at or under which readability is not reduced. */
  sentenceWords: 20,
  /** A sentence longer than this counts as long. */
  longSentence: 30,
  /** Average words per paragraph at or under which readability is not reduced. */
  paragraphWords: 100,
  /** A paragraph longer than this counts as long. */
  longParagraph: 150,
  /** Words a section may run without a subheading. */
  sectionWords: 350,
} as const;
