import type { Content } from './entities/content.entity.js';

/*
 * Text rules of content (`word_count`, `GET writer/content/{id}/validation/`), pure functions so they can be
 * unit-tested and reused by the AI engine.
 */

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The visible text of HTML: scripts, styles and comments dropped, tags as word breaks, entities decoded. */
export function htmlText(html: string): string {
  return html
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<(script|style|template)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (match, name: string) => {
      const lower = name.toLowerCase();
      if (lower === 'nbsp') return ' ';
      if (lower.startsWith('#x')) return safeChar(parseInt(lower.slice(2), 16));
      if (lower.startsWith('#')) return safeChar(parseInt(lower.slice(1), 10));
      return ENTITIES[lower] ?? match;
    });
}

function safeChar(code: number): string {
  return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : ' ';
}

/** `word_count` of content: whitespace-separated words of the text of `content_html` (tags stripped). */
export function wordCount(html: string): number {
  const text = htmlText(html).trim();
  return text === '' ? 0 : text.split(/\s+/u).length;
}

export interface ValidationIssue {
  field: string;
  message: string;
}

export interface ContentValidation {
  is_valid: boolean;
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
}

export const META_TITLE_MAX = 60;
export const META_DESCRIPTION_MAX = 160;
export const MIN_WORDS = 300;

/**
 * `GET writer/content/{id}/validation/`: errors for empty `title`, `content_html`,
 * `meta_title`, `meta_description`; warnings for long meta fields, a missing primary keyword or
 * one absent from the title, no generated featured image, and fewer than 300 words.
 */
export function validateContent(
  content: Pick<
    Content,
    'title' | 'content_html' | 'meta_title' | 'meta_description' | 'primary_keyword' | 'word_count'
  >,
  { hasGeneratedFeaturedImage }: { hasGeneratedFeaturedImage: boolean },
): ContentValidation {
  const errors: ValidationIssue[] = [];
  const warnings: ValidationIssue[] = [];
  const required: [keyof typeof content, string][] = [
    ['title', 'Title is required.'],
    ['content_html', 'Content is required.'],
    ['meta_title', 'Meta title is required.'],
    ['meta_description', 'Meta description is required.'],
  ];
  for (const [field, message] of required) {
    if (String(content[field]).trim() === '') errors.push({ field, message });
  }
  if (content.meta_title.length > META_TITLE_MAX) {
    warnings.push({
      field: 'meta_title',
      message: `Meta title is longer than ${META_TITLE_MAX} characters (${content.meta_title.length}).`,
    });
  }
  if (content.meta_description.length > META_DESCRIPTION_MAX) {
    warnings.push({
      field: 'meta_description',
      message: `Meta description is longer than ${META_DESCRIPTION_MAX} characters (${content.meta_description.length}).`,
    });
  }
  const keyword = content.primary_keyword.trim();
  if (keyword === '') {
    warnings.push({ field: 'primary_keyword', message: 'Primary keyword is empty.' });
  } else if (!content.title.toLowerCase().includes(keyword.toLowerCase())) {
    warnings.push({ field: 'primary_keyword', message: 'Primary keyword does not appear in the title.' });
  }
  if (!hasGeneratedFeaturedImage) {
    warnings.push({ field: 'featured_image', message: 'No generated featured image.' });
  }
  if (content.word_count < MIN_WORDS) {
    warnings.push({
      field: 'word_count',
      message: `Content has fewer than ${MIN_WORDS} words (${content.word_count}).`,
    });
  }
  return { is_valid: errors.length === 0, errors, warnings };
}
