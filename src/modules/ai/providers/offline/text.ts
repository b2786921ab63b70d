/** Small text helpers shared by the offline provider's writers. */

const MINOR_WORDS: ReadonlySet<string> = new Set(
  'a an and as at but by for from in into of on or the to vs with'.split(' '),
);

/** "best shoe for running" → "Best Shoe for Running"; minor words stay lower case except first. */
export function titleCase(text: string): string {
  return text
    .trim()
    .split(/\s+/u)
    .map((word, index) => (index > 0 && MINOR_WORDS.has(word.toLowerCase()) ? word : capitalise(word)))
    .join(' ');
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** ["a", "b", "c"] → "a, b and c". */
export function joinList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/**
 * Whitespace-separated words, counted as `word_count` counts the text of content
 * (docs/domain-model.md#writer).
 */
export function countWords(text: string): number {
  const trimmed = text.trim();
  return trimmed === '' ? 0 : trimmed.split(/\s+/u).length;
}

/** `text` if it fits in `max` characters, else cut at a word boundary and ended with "…". */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const lastSpace = cut.lastIndexOf(' ');
  const words = lastSpace > 0 ? cut.slice(0, lastSpace) : cut;
  return `${words.replace(/[\s,;:.|–-]+$/u, '')}…`;
}

/** One line of text: characters XML forbids (controls, lone surrogates) dropped, whitespace collapsed. */
export function tidy(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** Tidied text with markup characters escaped, safe inside HTML or SVG elements and attributes. */
export function escapeMarkup(text: string): string {
  return tidy(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
