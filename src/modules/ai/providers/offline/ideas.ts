import type { ContentStructure, ContentType } from '../../../planner/entities/content-kinds.js';
import type { TextInputs, TextOutputs } from '../ai-provider.js';
import { joinList, titleCase } from './text.js';

type Idea = TextOutputs['generate_ideas']['ideas'][number];
export type Outline = Idea['outline'];

/** An editorial angle: idea n takes angle n modulo their number. */
interface Angle {
  content_type: ContentType;
  content_structure: ContentStructure;
  words: number;
  title(topic: string, cluster: string): string;
  summary(lead: string): string;
  intro(topic: string): string;
  body: { heading(topic: string): string; points(lead: string): string[] };
}

const ANGLES: readonly Angle[] = [
  {
    content_type: 'post',
    content_structure: 'guide',
    words: 1800,
    title: (topic) => `The Complete Guide to ${topic}`,
    summary: (lead) => `A step-by-step guide to ${lead}, from the basics to confident decisions.`,
    intro: (topic) => `Understanding ${topic}`,
    body: {
      heading: (topic) => `How to Get Started with ${topic}`,
      points: (lead) => [`Set a clear goal for ${lead}`, 'Compare the main options', 'Avoid common mistakes'],
    },
  },
  {
    content_type: 'post',
    content_structure: 'listicle',
    words: 1200,
    title: (topic) => `7 Practical Tips for ${topic}`,
    summary: (lead) => `Seven practical tips that make ${lead} simpler and more rewarding.`,
    intro: (topic) => `Why ${topic} Deserves Attention`,
    body: {
      heading: () => 'Tips That Make a Difference',
      points: (lead) => [`Start small with ${lead}`, 'Measure what works', 'Keep improving over time'],
    },
  },
  {
    content_type: 'post',
    content_structure: 'comparison',
    words: 1500,
    title: (topic) => `${topic} Compared: Options, Pros and Cons`,
    summary: (lead) => `A side-by-side comparison of the options for ${lead}, with clear pros and cons.`,
    intro: (topic) => `What to Compare in ${topic}`,
    body: {
      heading: () => 'Side-by-Side Comparison',
      points: (lead) => [`Features that matter for ${lead}`, 'Price and value', 'Which option suits whom'],
    },
  },
  {
    content_type: 'post',
    content_structure: 'article',
    words: 1000,
    title: (topic) => `${topic}: What You Need to Know`,
    summary: (lead) => `The essential facts about ${lead}, explained plainly.`,
    intro: (topic) => `${topic} at a Glance`,
    body: {
      heading: (topic) => `Key Facts About ${topic}`,
      points: (lead) => [`How ${lead} works`, 'What the evidence says', 'Questions people often ask'],
    },
  },
  {
    content_type: 'post',
    content_structure: 'review',
    words: 1100,
    title: (topic) => `${topic}: An Honest Review`,
    summary: (lead) => `An honest review of ${lead}: what works, what does not and who it suits.`,
    intro: (topic) => `First Impressions of ${topic}`,
    body: {
      heading: () => 'Strengths and Weaknesses',
      points: (lead) => [`What ${lead} does well`, 'Where it falls short', 'Our verdict'],
    },
  },
  {
    content_type: 'page',
    content_structure: 'cluster_hub',
    words: 2000,
    title: (_topic, cluster) => `${cluster}: Everything in One Place`,
    summary: (lead) => `A hub page that gathers every resource about ${lead} in one place.`,
    intro: (topic) => `Start Here: ${topic}`,
    body: {
      heading: () => 'Resources and Next Reads',
      points: (lead) => [`Beginner resources on ${lead}`, 'In-depth guides', 'Related topics'],
    },
  },
];

const MIN_WORDS = 800;
const MAX_WORDS = 2000;
const KEYWORD_HEADINGS = 3;

/**
 * `count` ideas for one cluster (docs/domain-model.md#ai-engine, offline provider). Keyword n goes to idea
 * n modulo `count`, so the ideas together cover every keyword; when there are more ideas than
 * keywords, idea n covers keyword n modulo the number of keywords.
 */
export function generateIdeas({
  cluster,
  keywords,
  count,
}: TextInputs['generate_ideas']): TextOutputs['generate_ideas'] {
  const ideas: Idea[] = [];
  for (let index = 0; index < count; index++) {
    ideas.push(idea(ANGLES[index % ANGLES.length], cluster.name, coveredBy(index, count, keywords)));
  }
  return { ideas };
}

function coveredBy(index: number, count: number, keywords: string[]): string[] {
  if (keywords.length === 0) return [];
  if (count <= keywords.length) return keywords.filter((_, k) => k % count === index);
  return [keywords[index % keywords.length]];
}

function idea(angle: Angle, clusterName: string, covered: string[]): Idea {
  const [lead = clusterName, ...others] = covered;
  const topic = titleCase(lead);
  return {
    title: angle.title(topic, titleCase(clusterName) || topic),
    description:
      covered.length > 0 ? `${angle.summary(lead)} Covers ${joinList(covered)}.` : angle.summary(lead),
    content_type: angle.content_type,
    content_structure: angle.content_structure,
    estimated_word_count: Math.min(MAX_WORDS, Math.max(MIN_WORDS, angle.words + 100 * others.length)),
    covered_keywords: covered,
    outline: outline(angle, lead, others),
  };
}

/** The guide outline for a primary keyword and its secondary keywords (used when a task has none). */
export function defaultOutline(primary: string, secondary: string[]): Outline {
  return outline(ANGLES[0], primary, secondary);
}

/**
 * 3–6 sections: the angle's introduction, one section per secondary keyword (at most three; the
 * rest are points of the body section, so the outline names every keyword), the angle's body and a
 * conclusion.
 */
function outline(angle: Angle, lead: string, others: string[]): Outline {
  const topic = titleCase(lead);
  return [
    { heading: angle.intro(topic), points: [`The basics of ${lead}`, `Who benefits from ${lead}`] },
    ...others.slice(0, KEYWORD_HEADINGS).map((keyword) => ({
      heading: titleCase(keyword),
      points: [`What to know about ${keyword}`, `Comparing ${keyword} with ${lead}`],
    })),
    {
      heading: angle.body.heading(topic),
      points: [
        ...angle.body.points(lead),
        ...others.slice(KEYWORD_HEADINGS).map((keyword) => `A note on ${keyword}`),
      ],
    },
    { heading: `Final Thoughts on ${topic}`, points: [`Key takeaways about ${lead}`, 'Next steps'] },
  ];
}
