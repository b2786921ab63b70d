import { META_DESCRIPTION_MAX, META_TITLE_MAX } from '../../../writer/content-text.js';
import type { TextInputs, TextOutputs } from '../ai-provider.js';
import { hashText } from './hash.js';
import { defaultOutline, type Outline } from './ideas.js';
import { SentenceWriter } from './sentences.js';
import { capitalise, clip, countWords, escapeMarkup, tidy, titleCase } from './text.js';

const WORDS_PER_SECTION = 250;
const WORDS_PER_PARAGRAPH = 100;
const MAX_POINTS_PER_SECTION = 4;

type Section = Outline[number];

/**
 * An article of exactly `word_count` words as `wordCount` counts them (more only if one heading and
 * its points alone are longer than that): an
 * introduction, then one `<h2>` section per outline heading (the task's outline, else a guide
 * outline built from its keywords). Even sections list their points in a `<ul>`, odd ones give
 * each point an `<h3>` subsection. Short articles keep fewer sections (the first ones and the
 * last), so that headings and lists take at most half the words; the rest are paragraphs about the
 * primary and secondary keywords, shared evenly.
 */
export function writeArticle(input: TextInputs['generate_content']): TextOutputs['generate_content'] {
  const primary = tidy(input.primary_keyword);
  const secondary = input.secondary_keywords.map(tidy).filter((keyword) => keyword !== '');
  const title = tidy(input.title) || titleCase(primary);
  const subject = primary || title || 'this topic';
  const target = Math.max(1, Math.round(input.word_count));
  const keywords = [subject, ...secondary];
  const skeleton = planSkeleton(outlineSections(input.outline, subject, secondary), keywords, target);
  const writer = new SentenceWriter(keywords, hashText(title));
  return {
    title,
    content_html: skeleton.render(target, writer),
    meta_title: metaTitle(title, primary),
    meta_description: metaDescription(title, subject),
    primary_keyword: input.primary_keyword,
    secondary_keywords: input.secondary_keywords,
  };
}

function outlineSections(outline: Outline, subject: string, secondary: string[]): Section[] {
  const sections = outline
    .map(({ heading, points }) => ({
      heading: tidy(heading),
      points: points
        .map(tidy)
        .filter((point) => point !== '')
        .slice(0, MAX_POINTS_PER_SECTION),
    }))
    .filter(({ heading }) => heading !== '');
  return sections.length > 0 ? sections : defaultOutline(subject, secondary);
}

function planSkeleton(sections: Section[], keywords: string[], target: number): Skeleton {
  let count = Math.min(sections.length, Math.max(2, Math.round(target / WORDS_PER_SECTION)));
  let skeleton = new Skeleton(firstAndLast(sections, count), keywords);
  while (count > 1 && skeleton.fixedWords > target / 2) {
    count--;
    skeleton = new Skeleton(firstAndLast(sections, count), keywords);
  }
  return skeleton;
}

function firstAndLast(sections: Section[], count: number): Section[] {
  if (count >= sections.length) return sections;
  if (count === 1) return sections.slice(0, 1);
  return [...sections.slice(0, count - 1), sections[sections.length - 1]];
}

/** Where the paragraphs go. */
const PARAGRAPHS = Symbol('paragraphs');

/** The headings and lists of an article, with the places of its paragraphs. */
class Skeleton {
  private readonly parts: (string | typeof PARAGRAPHS)[] = [PARAGRAPHS];
  fixedWords = 0;

  constructor(sections: Section[], keywords: string[]) {
    sections.forEach(({ heading, points }, index) => {
      this.element('h2', heading);
      this.parts.push(PARAGRAPHS);
      if (index % 2 === 0) this.list(points.length > 0 ? points : keywords.map(titleCase));
      else for (const point of points) this.subsection(point);
    });
  }

  /** The HTML with `target` words in all: what headings and lists leave is shared by the paragraphs. */
  render(target: number, writer: SentenceWriter): string {
    const slots = this.parts.filter((part) => part === PARAGRAPHS).length;
    const budget = Math.max(0, target - this.fixedWords);
    let slot = 0;
    return this.parts
      .map((part) => {
        if (part !== PARAGRAPHS) return part;
        const words = Math.floor(budget / slots) + (slot++ < budget % slots ? 1 : 0);
        return paragraphs(words, writer);
      })
      .filter((html) => html !== '')
      .join('\n');
  }

  private element(tag: string, text: string): void {
    this.parts.push(`<${tag}>${escapeMarkup(text)}</${tag}>`);
    this.fixedWords += countWords(text);
  }

  private list(items: string[]): void {
    this.parts.push('<ul>');
    for (const item of items) this.element('li', item);
    this.parts.push('</ul>');
  }

  private subsection(point: string): void {
    this.element('h3', capitalise(point));
    this.parts.push(PARAGRAPHS);
  }
}

/** `words` words as paragraphs of about 100 words each. */
function paragraphs(words: number, writer: SentenceWriter): string {
  const count = Math.ceil(words / WORDS_PER_PARAGRAPH);
  const html: string[] = [];
  for (let index = 0; index < count; index++) {
    const length = Math.floor(words / count) + (index < words % count ? 1 : 0);
    html.push(`<p>${escapeMarkup(writer.write(length))}</p>`);
  }
  return html.join('\n');
}

/** The title, led by the primary keyword when the title does not contain it. */
function metaTitle(title: string, primary: string): string {
  const containsKeyword = title.toLowerCase().includes(primary.toLowerCase());
  return clip(containsKeyword ? title : `${titleCase(primary)}: ${title}`, META_TITLE_MAX);
}

function metaDescription(title: string, subject: string): string {
  const sentence = /[.!?]$/u.test(title) ? title : `${title}.`;
  return clip(
    `${sentence} Everything you need to know about ${subject}, with practical tips and clear next steps.`,
    META_DESCRIPTION_MAX,
  );
}
