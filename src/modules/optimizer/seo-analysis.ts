import { attribute, elements, parseHtml, textOf } from '../../common/html-tree/html-tree.js';
import {
  containsPhrase,
  phraseMatches,
  SEO_TARGETS,
  sentences,
  words,
} from '../../common/html-tree/prose.js';
import type { OptimizationScores } from './entities/optimization-task.entity.js';

/** What the analysis reads of a content item. */
export interface AnalysedContent {
  title: string;
  meta_title: string;
  meta_description: string;
  primary_keyword: string;
  content_html: string;
}

/** The measurements and score (0–100) of each criterion (docs/optimizer.md). */
export interface SeoCriteria {
  keyword_placement: {
    score: number;
    in_title: boolean;
    in_meta_title: boolean;
    in_meta_description: boolean;
    in_first_paragraph: boolean;
    in_subheading: boolean;
  };
  keyword_density: { score: number; density: number; occurrences: number; word_count: number };
  meta_title: { score: number; length: number };
  meta_description: { score: number; length: number };
  headings: {
    score: number;
    h1: number;
    h2: number;
    h3: number;
    skipped_levels: number;
    long_sections: number;
  };
  readability: {
    score: number;
    sentences: number;
    average_sentence_words: number;
    long_sentences: number;
    paragraphs: number;
    average_paragraph_words: number;
    long_paragraphs: number;
  };
  links: { score: number; internal: number; external: number };
  images: { score: number; total: number; with_alt: number };
  lists: { score: number; count: number };
}

export interface SeoAnalysis {
  scores: OptimizationScores;
  criteria: SeoCriteria;
}

const clamp = (value: number) => Math.max(0, Math.min(100, Math.round(value)));
const round1 = (value: number) => Math.round(value * 10) / 10;
const mean = (values: number[]) =>
  values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;

/** 100 inside `[min, max]`; proportionally less below `min`; `perExtra` less per unit above `max`. */
function rangeScore(value: number, min: number, max: number, perExtra: number): number {
  if (value <= 0) return 0;
  if (value < min) return clamp((value / min) * 100);
  if (value > max) return clamp(100 - (value - max) * perExtra);
  return 100;
}

function keywordPlacement(content: AnalysedContent, firstParagraph: string, subheadings: string[]) {
  const keyword = content.primary_keyword.trim();
  const has = (text: string) => keyword !== '' && containsPhrase(text, keyword);
  const found = {
    in_title: has(content.title),
    in_meta_title: has(content.meta_title),
    in_meta_description: has(content.meta_description),
    in_first_paragraph: has(firstParagraph),
    in_subheading: subheadings.some(has),
  };
  return { score: clamp(Object.values(found).filter(Boolean).length * 20), ...found };
}

function keywordDensity(keyword: string, text: string) {
  const wordCount = words(text).length;
  const occurrences = keyword.trim() === '' ? 0 : phraseMatches(text, keyword).length;
  const density = wordCount === 0 ? 0 : (occurrences * words(keyword).length * 100) / wordCount;
  const { min, max } = SEO_TARGETS.density;
  return {
    score: rangeScore(density, min, max, 40),
    density: round1(density),
    occurrences,
    word_count: wordCount,
  };
}

/**
 * The local SEO analysis (docs/optimizer.md): no AI and no credits, the same content always gives the same
 * scores. `siteHost` tells internal links (relative, or to the site's own host) from external ones.
 */
export function analyseContent(content: AnalysedContent, siteHost: string | null): SeoAnalysis {
  const root = parseHtml(content.content_html);
  const all = elements(root);
  const text = textOf(root);
  const paragraphs = all
    .filter((element) => element.tagName === 'p')
    .map(textOf)
    .filter((p) => p !== '');
  const headingLevels = all
    .filter((element) => /^h[1-6]$/.test(element.tagName))
    .map((element) => ({ level: Number(element.tagName[1]), text: textOf(element) }));
  const subheadings = headingLevels.filter((h) => h.level === 2 || h.level === 3).map((h) => h.text);

  const keyword_placement = keywordPlacement(content, paragraphs[0] ?? '', subheadings);
  const keyword_density = keywordDensity(content.primary_keyword, text);

  const metaTitleLength = content.meta_title.trim().length;
  const metaDescriptionLength = content.meta_description.trim().length;
  const meta_title = {
    score: rangeScore(metaTitleLength, SEO_TARGETS.metaTitle.min, SEO_TARGETS.metaTitle.max, 5),
    length: metaTitleLength,
  };
  const meta_description = {
    score: rangeScore(
      metaDescriptionLength,
      SEO_TARGETS.metaDescription.min,
      SEO_TARGETS.metaDescription.max,
      2,
    ),
    length: metaDescriptionLength,
  };

  const count = (level: number) => headingLevels.filter((h) => h.level === level).length;
  let skipped = 0;
  let previous = 1;
  for (const { level } of headingLevels) {
    if (level > previous + 1) skipped += 1;
    previous = level;
  }
  // Words between headings (and before the first one), from the text in document order.
  let sectionWords = 0;
  let longSections = 0;
  for (const element of all) {
    if (/^h[1-6]$/.test(element.tagName)) {
      if (sectionWords > SEO_TARGETS.sectionWords) longSections += 1;
      sectionWords = 0;
    } else if (element.tagName === 'p' || element.tagName === 'li')
      sectionWords += words(textOf(element)).length;
  }
  if (sectionWords > SEO_TARGETS.sectionWords) longSections += 1;
  const noSubheadings = count(2) + count(3) === 0 && keyword_density.word_count > 150;
  const headings = {
    score: clamp(
      100 - (noSubheadings ? 60 : 0) - count(1) * 20 - skipped * 15 - Math.min(30, longSections * 10),
    ),
    h1: count(1),
    h2: count(2),
    h3: count(3),
    skipped_levels: skipped,
    long_sections: longSections,
  };

  const sentenceLengths = paragraphs.flatMap((p) => sentences(p)).map((s) => words(s).length);
  const paragraphLengths = paragraphs.map((p) => words(p).length);
  const averageSentence = mean(sentenceLengths);
  const averageParagraph = mean(paragraphLengths);
  const longSentences = sentenceLengths.filter((n) => n > SEO_TARGETS.longSentence).length;
  const longParagraphs = paragraphLengths.filter((n) => n > SEO_TARGETS.longParagraph).length;
  const sentenceScore =
    100 -
    Math.max(0, averageSentence - SEO_TARGETS.sentenceWords) * 5 -
    (sentenceLengths.length ? (longSentences / sentenceLengths.length) * 50 : 0);
  const paragraphScore =
    100 -
    Math.max(0, averageParagraph - SEO_TARGETS.paragraphWords) * 0.8 -
    (paragraphLengths.length ? (longParagraphs / paragraphLengths.length) * 50 : 0);
  const readability = {
    score: paragraphs.length === 0 ? 0 : clamp(0.6 * clamp(sentenceScore) + 0.4 * clamp(paragraphScore)),
    sentences: sentenceLengths.length,
    average_sentence_words: round1(averageSentence),
    long_sentences: longSentences,
    paragraphs: paragraphs.length,
    average_paragraph_words: round1(averageParagraph),
    long_paragraphs: longParagraphs,
  };

  let internal = 0;
  let external = 0;
  for (const link of all.filter((element) => element.tagName === 'a')) {
    const kind = linkKind(attribute(link, 'href'), siteHost);
    if (kind === 'internal') internal += 1;
    else if (kind === 'external') external += 1;
  }
  const links = {
    score: clamp((internal >= 2 ? 60 : internal * 40) + (external >= 1 ? 40 : 0)),
    internal,
    external,
  };

  const imageElements = all.filter((element) => element.tagName === 'img');
  const withAlt = imageElements.filter((image) => (attribute(image, 'alt') ?? '').trim() !== '').length;
  const images = {
    score: imageElements.length === 0 ? 0 : clamp((withAlt / imageElements.length) * 100),
    total: imageElements.length,
    with_alt: withAlt,
  };
  const listCount = all.filter((element) => element.tagName === 'ul' || element.tagName === 'ol').length;
  const lists = { score: listCount > 0 ? 100 : 0, count: listCount };

  const seo = clamp(
    0.5 * keyword_placement.score +
      0.15 * meta_title.score +
      0.15 * meta_description.score +
      0.2 * links.score,
  );
  const structure = clamp(0.5 * headings.score + 0.25 * images.score + 0.25 * lists.score);
  const scores = {
    seo,
    readability: readability.score,
    keyword_usage: keyword_density.score,
    structure,
    overall: clamp(mean([seo, readability.score, keyword_density.score, structure])),
  };
  return {
    scores: {
      overall: scores.overall,
      seo,
      readability: scores.readability,
      keyword_usage: scores.keyword_usage,
      structure,
    },
    criteria: {
      keyword_placement,
      keyword_density,
      meta_title,
      meta_description,
      headings,
      readability,
      links,
      images,
      lists,
    },
  };
}

/** Relative URLs and URLs on the site's host are internal; other http(s) URLs external; anchors and mailto neither. */
function linkKind(href: string | null, siteHost: string | null): 'internal' | 'external' | null {
  const value = href?.trim() ?? '';
  if (value === '' || value.startsWith('#') || /^(mailto|tel|javascript):/i.test(value)) return null;
  if (!/^[a-z][a-z0-9+.-]*:/i.test(value) && !value.startsWith('//')) return 'internal';
  try {
    const url = new URL(value.startsWith('//') ? `https:${value}` : value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    const host = url.hostname.replace(/^www\./, '').toLowerCase();
    return siteHost !== null && host === siteHost.replace(/^www\./, '').toLowerCase()
      ? 'internal'
      : 'external';
  } catch {
    return null;
  }
}

/** The host of a site's domain setting (`example.com`, `https://www.example.com/blog`), or null. */
export function hostOf(domain: string | null): string | null {
  const value = domain?.trim() ?? '';
  if (value === '') return null;
  try {
    return new URL(/^https?:\/\//i.test(value) ? value : `https://${value}`).hostname.toLowerCase();
  } catch {
    return null;
  }
}
