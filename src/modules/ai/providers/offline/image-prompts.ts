import type { TextInputs, TextOutputs } from '../ai-provider.js';
import { capitalise, tidy } from './text.js';

type ImagePrompt = TextOutputs['generate_image_prompts']['featured'];

/** What an in-article image shows of its heading; each pass over the headings takes the next view. */
const VIEWS = [
  'an overview of',
  'a close-up detail of',
  'a real-world scene about',
  'a step-by-step view of',
];

/**
 * The featured prompt from the title; in-article prompt n from `<h2>` heading n. When there are
 * fewer headings than `max_images`, the headings are used again in order, each pass with another
 * view, and without headings every prompt is about the title.
 */
export function imagePrompts({
  title,
  headings,
  max_images,
  style,
}: TextInputs['generate_image_prompts']): TextOutputs['generate_image_prompts'] {
  const article = tidy(title);
  const subjects = headings.map(tidy).filter((heading) => heading !== '');
  const styleNote = tidy(style) === '' ? '' : ` Style: ${tidy(style)}.`;
  const inArticle: ImagePrompt[] = [];
  for (let index = 0; index < max_images; index++) {
    const subject = subjects.length > 0 ? subjects[index % subjects.length] : article;
    const view = VIEWS[Math.floor(index / Math.max(1, subjects.length)) % VIEWS.length];
    inArticle.push({
      prompt: `Image showing ${view} "${subject}", for an article titled "${article}".${styleNote} Clean composition, no text.`,
      alt_text: `${capitalise(view)} ${subject}`,
    });
  }
  return {
    featured: {
      prompt: `Featured image for an article titled "${article}", capturing its main idea at a glance.${styleNote} Clean composition, no text.`,
      alt_text: article,
    },
    in_article: inArticle,
  };
}
