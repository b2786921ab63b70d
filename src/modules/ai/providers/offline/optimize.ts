import {
  appendChild,
  attribute,
  createElement,
  elements,
  type HtmlElement,
  type HtmlFragment,
  insertAfter,
  insertBefore,
  parseHtml,
  serializeHtml,
  setAttribute,
  setText,
  textOf,
} from '../../../../common/html-tree/html-tree.js';
import {
  containsPhrase,
  phraseMatches,
  SEO_TARGETS,
  sentences,
  words,
} from '../../../../common/html-tree/prose.js';
import type { TextInputs, TextOutputs } from '../ai-provider.js';
import { capitalise, clip, joinList, titleCase } from './text.js';

type Input = TextInputs['optimize_content'];

const HEADING = /^h([1-6])$/;

function rename(element: HtmlElement, tagName: string): void {
  element.tagName = tagName;
  element.nodeName = tagName;
}

function headingsOf(root: HtmlFragment): HtmlElement[] {
  return elements(root).filter((element) => HEADING.test(element.tagName));
}

function paragraphsOf(root: HtmlFragment): HtmlElement[] {
  return elements(root).filter((element) => element.tagName === 'p' && textOf(element) !== '');
}

/** Only text children: such a paragraph can be rewritten as text without losing markup. */
function plainText(element: HtmlElement): boolean {
  return element.childNodes.every((child) => child.nodeName === '#text');
}

/** `<h1>` becomes `<h2>`; a heading more than one level below the previous one moves up. */
function fixHeadingLevels(root: HtmlFragment): void {
  let previous = 1;
  for (const heading of headingsOf(root)) {
    const level = Math.max(2, Number(HEADING.exec(heading.tagName)![1]));
    const fixed = Math.min(level, previous + 1);
    rename(heading, `h${fixed}`);
    previous = fixed;
  }
}

/** Long sentences split at `;` and at `, and` / `, but`; long paragraphs split between sentences. */
function improveReadability(root: HtmlFragment): void {
  for (const paragraph of paragraphsOf(root)) {
    if (!plainText(paragraph)) continue;
    const shortened = sentences(textOf(paragraph)).flatMap((sentence) =>
      words(sentence).length <= SEO_TARGETS.sentenceWords
        ? [sentence]
        : sentence.split(/;\s+|,\s+(?:and|but)\s+/u).map((part, index, parts) => {
            const text = capitalise(part.trim());
            return index < parts.length - 1 && !/[.!?]$/u.test(text) ? `${text}.` : text;
          }),
    );
    const groups: string[][] = [[]];
    for (const sentence of shortened) {
      const current = groups[groups.length - 1];
      if (
        current.length > 0 &&
        words([...current, sentence].join(' ')).length > SEO_TARGETS.paragraphWords * 0.8
      )
        groups.push([sentence]);
      else current.push(sentence);
    }
    setText(paragraph, groups[0].join(' '));
    let last = paragraph;
    for (const group of groups.slice(1)) {
      const next = createElement('p', {}, group.join(' '));
      insertAfter(last, next);
      last = next;
    }
  }
}

/** The keyword in the first paragraph and in a heading, images with alt text, a list when there is none. */
function improveStructure(root: HtmlFragment, input: Input): void {
  const keyword = input.primary_keyword.trim();
  const paragraphs = paragraphsOf(root);
  const headings = headingsOf(root);
  if (keyword !== '' && !(paragraphs[0] && containsPhrase(textOf(paragraphs[0]), keyword))) {
    const topics = headings.slice(0, 3).map((heading) => textOf(heading).toLowerCase());
    const intro = createElement(
      'p',
      {},
      topics.length > 0
        ? `This guide to ${keyword} covers ${joinList(topics)}.`
        : `This guide explains ${keyword} step by step.`,
    );
    const first = elements(root)[0];
    if (first) insertBefore(first, intro);
    else appendChild(root, intro);
  }
  const subheadings = headingsOf(root).filter((heading) => heading.tagName !== 'h1');
  if (keyword !== '' && !subheadings.some((heading) => containsPhrase(textOf(heading), keyword))) {
    const h2 = subheadings.find((heading) => heading.tagName === 'h2');
    if (h2) setText(h2, `${textOf(h2)}: ${keyword}`);
    else {
      const second = paragraphsOf(root)[1];
      const heading = createElement('h2', {}, titleCase(`${keyword} explained`));
      if (second) insertBefore(second, heading);
      else appendChild(root, heading);
    }
  }
  for (const image of elements(root).filter((element) => element.tagName === 'img')) {
    if ((attribute(image, 'alt') ?? '').trim() === '') setAttribute(image, 'alt', input.title);
  }
  const h2s = headingsOf(root).filter((heading) => heading.tagName === 'h2');
  const hasList = elements(root).some((element) => element.tagName === 'ul' || element.tagName === 'ol');
  if (!hasList && h2s.length >= 2) {
    appendChild(root, createElement('h2', {}, 'Key takeaways'));
    const list = createElement('ul');
    for (const heading of h2s) appendChild(list, createElement('li', {}, textOf(heading)));
    appendChild(root, list);
  }
}

/** Keyword density moved into the target range: a closing paragraph adds mentions, repeats are thinned. */
function balanceKeyword(root: HtmlFragment, keyword: string): void {
  if (keyword.trim() === '') return;
  const perMention = Math.max(1, words(keyword).length);
  const total = words(textOf(root)).length;
  const mentions = phraseMatches(textOf(root), keyword).length;
  const wanted = Math.ceil(((SEO_TARGETS.density.min + 0.3) * total) / 100 / perMention);
  if (mentions < wanted) {
    const lines = [
      `In short, ${keyword} pays off when it is planned with care.`,
      `Review your ${keyword} choices regularly.`,
      `Small, steady improvements to ${keyword} add up over time.`,
      `Keep notes on what works for ${keyword} in your own setting.`,
      `Share what you learn about ${keyword} with your team.`,
    ];
    appendChild(root, createElement('p', {}, lines.slice(0, Math.min(5, wanted - mentions)).join(' ')));
    return;
  }
  let excess = mentions - Math.floor(((SEO_TARGETS.density.max - 0.3) * total) / 100 / perMention);
  for (const paragraph of paragraphsOf(root)) {
    if (excess <= 0) break;
    if (!plainText(paragraph)) continue;
    const text = textOf(paragraph);
    const matches = phraseMatches(text, keyword).slice(1);
    if (matches.length === 0) continue;
    let rewritten = text;
    for (const [from, to] of matches.reverse()) {
      if (excess <= 0) break;
      rewritten = `${rewritten.slice(0, from)}this topic${rewritten.slice(to)}`;
      excess -= 1;
    }
    setText(paragraph, rewritten);
  }
}

function metaTitle(input: Input): string {
  const { min, max } = SEO_TARGETS.metaTitle;
  const keyword = input.primary_keyword.trim();
  const current = input.meta_title.trim();
  if (current.length >= min && current.length <= max && (keyword === '' || containsPhrase(current, keyword)))
    return current;
  let title =
    keyword === '' || containsPhrase(input.title, keyword)
      ? input.title
      : `${titleCase(keyword)}: ${input.title}`;
  if (title.length > max) title = clip(title, max + 1).replace(/…$/u, '');
  if (title.length < min) title = `${title}: Tips and Best Practices`.slice(0, max);
  return title;
}

function metaDescription(input: Input, root: HtmlFragment): string {
  const { min, max } = SEO_TARGETS.metaDescription;
  const keyword = input.primary_keyword.trim();
  const current = input.meta_description.trim();
  if (current.length >= min && current.length <= max && (keyword === '' || containsPhrase(current, keyword)))
    return current;
  let description = '';
  for (const sentence of paragraphsOf(root).flatMap((paragraph) => sentences(textOf(paragraph)))) {
    if (description.length >= min) break;
    description = `${description} ${sentence}`.trim();
  }
  if (keyword !== '' && !containsPhrase(description, keyword))
    description = `${capitalise(keyword)}: ${description}`;
  if (description.length < min)
    description = `${description} A practical guide with clear steps and examples.`;
  return description.length > max ? clip(description, max) : description;
}

/**
 * The offline `optimize_content` (docs/optimizer.md): a deterministic edit of the article towards the
 * analysis targets — heading levels, the keyword in the opening paragraph and a heading, shorter sentences
 * and paragraphs, alt texts, a takeaway list, keyword density in range, meta title and description within
 * their lengths.
 */
export function optimizeArticle(input: Input): TextOutputs['optimize_content'] {
  const root = parseHtml(input.content_html);
  fixHeadingLevels(root);
  improveStructure(root, input);
  improveReadability(root);
  balanceKeyword(root, input.primary_keyword);
  return {
    content_html: serializeHtml(root),
    meta_title: metaTitle(input),
    meta_description: metaDescription(input, root),
  };
}
