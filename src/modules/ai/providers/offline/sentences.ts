import { countWords } from './text.js';

/** Body sentences about a keyword, never its grammatical subject (keywords may be plural); eight words or more. */
const TEMPLATES: readonly ((keyword: string) => string)[] = [
  (k) => `Getting ${k} right is easier when you start with a clear goal.`,
  (k) => `Most people who search for ${k} want practical answers they can use today.`,
  (k) => `A good first step is to compare a few options for ${k} side by side.`,
  (k) => `Small details often decide whether you stay happy with ${k} over time.`,
  (k) => `It pays to read real experiences before committing to ${k}.`,
  (k) => `Budget matters, but value matters more when you think about ${k}.`,
  (k) => `Revisit your choices about ${k} as your needs and circumstances change.`,
  (k) => `Keep notes on what works for you, because no single answer on ${k} suits everyone.`,
  (k) => `Quality and consistency tend to matter more than novelty with ${k}.`,
  (k) => `If you are new to ${k}, begin with the basics and build from there.`,
  (k) => `Common mistakes with ${k} usually come from rushing the early decisions.`,
  (k) => `The right approach to ${k} depends on your goals, your budget and your habits.`,
  (k) => `Think about upkeep too, since choices about ${k} deserve a second look over time.`,
  (k) => `Clear priorities make it much simpler to narrow down your options for ${k}.`,
  (k) => `Many readers find that a simple checklist keeps ${k} on track.`,
  (k) => `Trying a small test first is a low-risk way to learn about ${k}.`,
];

/** Closing sentences of one to seven words (entry n has n + 1), to end a paragraph on its exact length. */
const SHORT_SENTENCES: readonly string[] = [
  'Indeed.',
  'Plan ahead.',
  'Details matter here.',
  'Take your time here.',
  'Every choice adds up quickly.',
  'A short checklist helps a lot.',
  'Good preparation saves time and money later.',
];

/**
 * Writes paragraphs of an exact number of words from the templates above, cycling through the
 * templates and, sentence by sentence, through the keywords.
 */
export class SentenceWriter {
  private nextTemplate: number;
  private nextKeyword = 0;

  constructor(
    private readonly keywords: readonly string[],
    seed: number,
  ) {
    this.nextTemplate = seed % TEMPLATES.length;
  }

  /** Sentences of exactly `words` words in all (none for 0). */
  write(words: number): string {
    const sentences: string[] = [];
    for (let remaining = words; remaining > 0;) {
      const sentence = this.templateSentence(remaining) ?? shortSentence(remaining);
      sentences.push(sentence);
      remaining -= countWords(sentence);
    }
    return sentences.join(' ');
  }

  /**
   * The next template sentence about the next keyword that fits in `remaining` words; never the
   * template just used (the last of the cycle), so that a tight end does not repeat a sentence.
   */
  private templateSentence(remaining: number): string | undefined {
    const keyword = this.keywords[this.nextKeyword % this.keywords.length];
    for (let tried = 0; tried < TEMPLATES.length - 1; tried++) {
      const index = (this.nextTemplate + tried) % TEMPLATES.length;
      const sentence = TEMPLATES[index](keyword);
      if (countWords(sentence) <= remaining) {
        this.nextTemplate = index + 1;
        this.nextKeyword++;
        return sentence;
      }
    }
    return undefined;
  }
}

function shortSentence(remaining: number): string {
  return SHORT_SENTENCES[Math.min(remaining, SHORT_SENTENCES.length) - 1];
}
