import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type {
  ImageRequest,
  TextFunction,
  TextInputs,
  TextOutputs,
  TextRequest,
} from '../../src/modules/ai/providers/ai-provider.js';
import { renderSize } from '../../src/modules/ai/providers/offline/image.js';
import { OfflineProvider } from '../../src/modules/ai/providers/offline/offline.provider.js';
import { SentenceWriter } from '../../src/modules/ai/providers/offline/sentences.js';
import { stem } from '../../src/modules/ai/providers/offline/stemmer.js';
import { META_DESCRIPTION_MAX, META_TITLE_MAX, wordCount } from '../../src/modules/writer/content-text.js';
import {
  CONTENT_STRUCTURES_BY_TYPE,
  CONTENT_TYPES,
} from '../../src/modules/planner/entities/content-kinds.js';

const provider = new OfflineProvider();
const signal = () => new AbortController().signal;

function textRequest<F extends TextFunction>(fn: F, input: TextInputs[F], prompt = 'prompt'): TextRequest<F> {
  return {
    function: fn,
    input,
    prompt,
    model: 'gpt-4o-mini',
    jsonMode: true,
    temperature: 0.7,
    maxTokens: 4000,
  };
}

async function answer<F extends TextFunction>(fn: F, input: TextInputs[F]): Promise<TextOutputs[F]> {
  const response = await provider.complete(textRequest(fn, input), signal());
  return JSON.parse(response.text) as TextOutputs[F];
}

function keywords(...texts: string[]): TextInputs['auto_cluster'] {
  return { keywords: texts.map((keyword, index) => ({ id: index + 1, keyword })) };
}

function imageRequest(prompt: string, size = '1024x1024'): ImageRequest {
  return { prompt, negativePrompt: '', model: 'gpt-image-1', size, style: 'photorealistic' };
}

describe('Porter stemmer', () => {
  it('reduces words to the stems of the reference algorithm', () => {
    const expected: Record<string, string> = {
      caresses: 'caress',
      ponies: 'poni',
      cats: 'cat',
      feed: 'feed',
      agreed: 'agre',
      plastered: 'plaster',
      motoring: 'motor',
      sing: 'sing',
      conflated: 'conflat',
      hopping: 'hop',
      falling: 'fall',
      filing: 'file',
      happy: 'happi',
      relational: 'relat',
      conditional: 'condit',
      generalization: 'gener',
      hopeful: 'hope',
      goodness: 'good',
      adjustment: 'adjust',
      adoption: 'adopt',
      probate: 'probat',
      cease: 'ceas',
      controll: 'control',
      running: 'run',
      shoes: 'shoe',
      shoe: 'shoe',
    };
    expect(Object.fromEntries(Object.keys(expected).map((word) => [word, stem(word)]))).toEqual(expected);
    expect(stem('4k')).toBe('4k');
    expect(stem('café')).toBe('café');
  });
});

describe('offline auto_cluster', () => {
  it('groups keywords sharing a stem, ignoring case, punctuation and stop words', async () => {
    const { clusters } = await answer(
      'auto_cluster',
      keywords(
        'Running shoes!',
        'best shoe for running',
        'run shoes',
        'coffee grinder',
        'the espresso grinders',
      ),
    );
    expect(clusters.map(({ name, keywords }) => ({ name, keywords }))).toEqual([
      { name: 'Running Shoes', keywords: ['Running shoes!', 'best shoe for running', 'run shoes'] },
      { name: 'Grinder', keywords: ['coffee grinder', 'the espresso grinders'] },
    ]);
    expect(clusters[0].description).toBe('3 searches about running and shoes, such as "Running shoes!".');
  });

  it('keeps a keyword that shares no stem, or only stop words, in a cluster of its own', async () => {
    const { clusters } = await answer(
      'auto_cluster',
      keywords('shoes for men', 'tips for beginners', 'zebra crossing'),
    );
    expect(clusters.map(({ name, keywords }) => [name, keywords])).toEqual([
      ['Shoes for Men', ['shoes for men']],
      ['Tips for Beginners', ['tips for beginners']],
      ['Zebra Crossing', ['zebra crossing']],
    ]);
  });

  it('puts at most 10 keywords in a cluster, each keyword in exactly one, with distinct names', async () => {
    const texts = Array.from({ length: 25 }, (_, i) => `running shoes model ${i}`);
    const { clusters } = await answer('auto_cluster', keywords(...texts));
    expect(clusters.map(({ keywords }) => keywords.length)).toEqual([10, 10, 5]);
    expect(clusters.flatMap(({ keywords }) => keywords)).toEqual(texts);
    expect(new Set(clusters.map(({ name }) => name)).size).toBe(3);
    expect(clusters[0].name).toBe('Running Shoes Model');
  });

  it('merges groups a keyword links, within the cap', async () => {
    const { clusters } = await answer(
      'auto_cluster',
      keywords('trail maps', 'running shoes', 'trail running'),
    );
    expect(clusters.map(({ keywords }) => keywords)).toEqual([
      ['trail maps', 'running shoes', 'trail running'],
    ]);
  });

  it('names a cluster by its most frequent shared terms, ties alphabetical', async () => {
    const frequent = await answer(
      'auto_cluster',
      keywords('zoom lens', 'zoom camera', 'zoom tripod', 'apple lens'),
    );
    expect(frequent.clusters.map(({ name }) => name)).toEqual(['Zoom Lens']);
    const tied = await answer('auto_cluster', keywords('red apple', 'green apple', 'red pear', 'green pear'));
    expect(tied.clusters.map(({ name }) => name)).toEqual(['Green Apple Pear']);
    const swapped = await answer('auto_cluster', keywords('zebra apple', 'apple zebra'));
    expect(swapped.clusters.map(({ name }) => name)).toEqual(['Apple Zebra']);
  });

  it('does not depend on the order of the input', async () => {
    const input = keywords('run shoes', 'coffee grinder', 'running shoes', 'espresso grinders', 'kettle');
    const reversed = { keywords: [...input.keywords].reverse() };
    expect(await answer('auto_cluster', reversed)).toEqual(await answer('auto_cluster', input));
  });
});

describe('offline generate_ideas', () => {
  const cluster = { id: 7, name: 'Running Shoes', description: 'Shoes for runners' };
  const clusterKeywords = [
    'running shoes',
    'trail running shoes',
    'best shoe for running',
    'run shoes',
    'cheap shoes',
  ];

  function expectValidIdeas(ideas: TextOutputs['generate_ideas']['ideas']): void {
    for (const idea of ideas) {
      expect(idea.title).not.toBe('');
      expect(idea.description).not.toBe('');
      expect(CONTENT_TYPES).toContain(idea.content_type);
      expect(
        CONTENT_STRUCTURES_BY_TYPE[idea.content_type as keyof typeof CONTENT_STRUCTURES_BY_TYPE],
      ).toContain(idea.content_structure);
      expect(idea.estimated_word_count).toBeGreaterThanOrEqual(800);
      expect(idea.estimated_word_count).toBeLessThanOrEqual(2000);
      expect(idea.outline.length).toBeGreaterThanOrEqual(3);
      expect(idea.outline.length).toBeLessThanOrEqual(6);
      for (const { heading, points } of idea.outline) {
        expect(heading).not.toBe('');
        expect(points.length).toBeGreaterThan(0);
        for (const point of points) expect(point).not.toBe('');
      }
    }
  }

  it.each([1, 2, 3, 5])('returns %i ideas that together cover every keyword', async (count) => {
    const { ideas } = await answer('generate_ideas', { cluster, keywords: clusterKeywords, count });
    expect(ideas).toHaveLength(count);
    expect(ideas.flatMap(({ covered_keywords }) => covered_keywords).sort()).toEqual(
      [...clusterKeywords].sort(),
    );
    expect(new Set(ideas.map(({ title }) => title)).size).toBe(count);
    expectValidIdeas(ideas);
  });

  it('gives every idea a keyword when there are more ideas than keywords', async () => {
    const { ideas } = await answer('generate_ideas', {
      cluster,
      keywords: ['running shoes', 'run shoes'],
      count: 7,
    });
    expect(ideas.map(({ covered_keywords }) => covered_keywords)).toEqual([
      ['running shoes'],
      ['run shoes'],
      ['running shoes'],
      ['run shoes'],
      ['running shoes'],
      ['run shoes'],
      ['running shoes'],
    ]);
    expectValidIdeas(ideas);
  });

  it('builds titles and outlines from the keywords', async () => {
    const {
      ideas: [idea],
    } = await answer('generate_ideas', { cluster, keywords: clusterKeywords, count: 1 });
    expect(idea.title).toBe('The Complete Guide to Running Shoes');
    expect(idea.outline.map(({ heading }) => heading)).toEqual([
      'Understanding Running Shoes',
      'Trail Running Shoes',
      'Best Shoe for Running',
      'Run Shoes',
      'How to Get Started with Running Shoes',
      'Final Thoughts on Running Shoes',
    ]);
    expect(JSON.stringify(idea.outline)).toContain('cheap shoes');
  });
});

/** Checks that only p, h2, h3, ul and li are used, nested as an article body, and all closed. */
function expectArticleMarkup(html: string): void {
  const open: string[] = [];
  for (const [, closing, tag] of html.matchAll(/<(\/?)([a-z0-9]+)[^>]*>/g)) {
    if (closing) {
      expect(open.pop()).toBe(tag);
      continue;
    }
    expect(['p', 'h2', 'h3', 'ul', 'li']).toContain(tag);
    expect(open).toEqual(tag === 'li' ? ['ul'] : []);
    open.push(tag);
  }
  expect(open).toEqual([]);
}

describe('offline generate_content', () => {
  const task: TextInputs['generate_content'] = {
    title: 'The Complete Guide to Running Shoes',
    description: 'How to choose running shoes',
    primary_keyword: 'running shoes',
    secondary_keywords: ['trail running shoes', 'cheap shoes', 'run shoes'],
    word_count: 1000,
    content_type: 'post',
    content_structure: 'guide',
    outline: [
      { heading: 'Understanding Running Shoes', points: ['The basics', 'Who benefits'] },
      { heading: 'Trail Running Shoes', points: ['Grip and support', 'Waterproofing'] },
      { heading: 'Cheap Shoes', points: ['Where to save'] },
      { heading: 'How to Choose', points: ['Fit', 'Cushioning', 'Price'] },
      { heading: 'Final Thoughts', points: ['Key takeaways'] },
    ],
  };

  it.each([100, 300, 1000, 2500, 10000])(
    'writes %i words, within 10 percent, of well-formed HTML',
    async (target) => {
      const article = await answer('generate_content', { ...task, word_count: target });
      expect(Math.abs(wordCount(article.content_html) - target)).toBeLessThanOrEqual(target * 0.1);
      expectArticleMarkup(article.content_html);
      expect(article.content_html).toMatch(/<h2>[^<]+<\/h2>/);
      expect(article.content_html).toMatch(/<ul>\n<li>[^<]+<\/li>/);
      expect(article.content_html).toMatch(/<p>[^<]+<\/p>/);
      expect(article.content_html).toContain('running shoes');
    },
  );

  it('follows the outline and uses every keyword when the length allows', async () => {
    const { content_html } = await answer('generate_content', { ...task, word_count: 2500 });
    const h2 = [...content_html.matchAll(/<h2>([^<]+)<\/h2>/g)].map(([, heading]) => heading);
    expect(h2).toEqual(task.outline.map(({ heading }) => heading));
    expect(content_html).toContain('<h3>Grip and support</h3>');
    for (const keyword of task.secondary_keywords) expect(content_html).toContain(keyword);
  });

  it('keeps the first and last sections of the outline in short articles', async () => {
    const { content_html } = await answer('generate_content', { ...task, word_count: 300 });
    const h2 = [...content_html.matchAll(/<h2>([^<]+)<\/h2>/g)].map(([, heading]) => heading);
    expect(h2).toEqual(['Understanding Running Shoes', 'Final Thoughts']);
  });

  it('builds its own outline from the keywords when the task has none', async () => {
    const article = await answer('generate_content', { ...task, outline: [], word_count: 1500 });
    expect(Math.abs(wordCount(article.content_html) - 1500)).toBeLessThanOrEqual(150);
    expect(article.content_html).toContain('<h2>Understanding Running Shoes</h2>');
    expect(article.content_html).toContain('<h2>Trail Running Shoes</h2>');
    expectArticleMarkup(article.content_html);
  });

  it('escapes markup in its input and still counts words exactly', async () => {
    const article = await answer('generate_content', {
      ...task,
      title: 'Tips & <Tricks>',
      primary_keyword: 'rock & roll <script>',
      secondary_keywords: ['"quoted"   keyword'],
      outline: [{ heading: 'Why <b>bold</b>?', points: ['a < b'] }],
      word_count: 400,
    });
    expect(article.content_html).not.toContain('<script>');
    expect(article.content_html).toContain('rock &amp; roll &lt;script&gt;');
    expect(article.content_html).toContain('&quot;quoted&quot; keyword');
    expectArticleMarkup(article.content_html);
    expect(Math.abs(wordCount(article.content_html) - 400)).toBeLessThanOrEqual(40);
  });

  it('derives title and meta fields from the task title and primary keyword', async () => {
    const article = await answer('generate_content', task);
    expect(article).toMatchObject({
      title: task.title,
      meta_title: task.title,
      primary_keyword: task.primary_keyword,
      secondary_keywords: task.secondary_keywords,
    });
    expect(article.meta_description).toContain('running shoes');
    expect(article.meta_description.length).toBeLessThanOrEqual(META_DESCRIPTION_MAX);

    const other = await answer('generate_content', {
      ...task,
      title: 'Everything a beginner should know before buying a first pair for the road',
    });
    expect(other.meta_title.startsWith('Running Shoes: Everything a beginner')).toBe(true);
    expect(other.meta_title.endsWith('…')).toBe(true);
    expect(other.meta_title.length).toBeLessThanOrEqual(META_TITLE_MAX);
    expect(other.meta_description.length).toBeLessThanOrEqual(META_DESCRIPTION_MAX);
  });

  it('writes paragraphs of an exact number of words, even around long keywords', () => {
    const writer = new SentenceWriter(['a very long keyword phrase that takes up most of a sentence'], 3);
    for (let words = 0; words <= 60; words++) {
      const text = writer.write(words);
      expect(text === '' ? 0 : text.split(/\s+/).length).toBe(words);
    }
  });
});

describe('offline generate_image_prompts', () => {
  const input: TextInputs['generate_image_prompts'] = {
    title: 'The Complete Guide to Running Shoes',
    headings: ['Understanding Running Shoes', 'How to Choose', 'Final Thoughts'],
    max_images: 2,
    style: 'watercolour',
  };

  it('derives the featured prompt from the title and in-article prompts from headings by position', async () => {
    const prompts = await answer('generate_image_prompts', input);
    expect(prompts.featured.prompt).toContain('"The Complete Guide to Running Shoes"');
    expect(prompts.featured.alt_text).toBe('The Complete Guide to Running Shoes');
    expect(prompts.in_article).toHaveLength(2);
    expect(prompts.in_article[0].prompt).toContain('"Understanding Running Shoes"');
    expect(prompts.in_article[1].prompt).toContain('"How to Choose"');
    for (const { prompt, alt_text } of [prompts.featured, ...prompts.in_article]) {
      expect(prompt).toContain('Style: watercolour.');
      expect(alt_text).not.toBe('');
    }
  });

  it('cycles through the headings with another view when more images than headings are wanted', async () => {
    const prompts = await answer('generate_image_prompts', {
      ...input,
      headings: ['Fit', 'Price'],
      max_images: 5,
    });
    const subjects = prompts.in_article.map(({ prompt }) => /"(Fit|Price)"/.exec(prompt)?.[1]);
    expect(subjects).toEqual(['Fit', 'Price', 'Fit', 'Price', 'Fit']);
    expect(new Set(prompts.in_article.map(({ prompt }) => prompt)).size).toBe(5);
  });

  it('falls back to the title without headings, and makes no in-article prompt for 0 images', async () => {
    const untitled = await answer('generate_image_prompts', { ...input, headings: [], max_images: 2 });
    for (const { prompt } of untitled.in_article)
      expect(prompt).toContain('"The Complete Guide to Running Shoes"');
    expect(untitled.in_article).toHaveLength(2);
    const none = await answer('generate_image_prompts', { ...input, max_images: 0 });
    expect(none.in_article).toEqual([]);
  });
});

describe('offline images', () => {
  it.each([
    ['1536x1024', 1024, 683],
    ['1024x1024', 1024, 1024],
    ['1024x1792', 585, 1024],
    ['256x256', 512, 512],
    ['640x360', 640, 360],
    ['not-a-size', 1024, 576],
  ])('renders %s as a %ix%i WebP', async (size, width, height) => {
    expect(renderSize(size)).toEqual({ width, height });
    const { data } = await provider.generateImage(
      imageRequest('A red running shoe on a track', size),
      signal(),
    );
    const metadata = await sharp(data).metadata();
    expect(metadata).toMatchObject({ format: 'webp', width, height });
    expect(metadata.width).toBeGreaterThanOrEqual(512);
    expect(metadata.height).toBeGreaterThanOrEqual(288);
  });

  it('keeps at least 512×288 for extreme ratios', () => {
    expect(renderSize('4000x100')).toEqual({ width: 1024, height: 288 });
    expect(renderSize('100x4000')).toEqual({ width: 512, height: 1024 });
  });

  it('draws the same image for the same prompt and another for another prompt', async () => {
    const first = await provider.generateImage(imageRequest('A red running shoe'), signal());
    const again = await provider.generateImage(imageRequest('A red running shoe'), signal());
    const other = await provider.generateImage(imageRequest('A blue running shoe'), signal());
    expect(first.data.equals(again.data)).toBe(true);
    expect(first.data.equals(other.data)).toBe(false);
  });

  it('renders prompts with markup, control characters and very long words', async () => {
    const prompt = `Tips & <tricks> "quoted" \u0000\u0007 ${'x'.repeat(300)} ${'word '.repeat(400)}`;
    const { data } = await provider.generateImage(imageRequest(prompt, '1792x1024'), signal());
    expect((await sharp(data).metadata()).format).toBe('webp');
  });
});

describe('OfflineProvider', () => {
  const inputs: { [F in TextFunction]: TextInputs[F] } = {
    auto_cluster: keywords('running shoes', 'run shoes', 'coffee grinder'),
    generate_ideas: {
      cluster: { id: 1, name: 'Shoes', description: '' },
      keywords: ['running shoes'],
      count: 2,
    },
    generate_content: {
      title: 'Running Shoes',
      description: '',
      primary_keyword: 'running shoes',
      secondary_keywords: [],
      word_count: 500,
      content_type: 'post',
      content_structure: 'article',
      outline: [],
    },
    generate_image_prompts: { title: 'Running Shoes', headings: ['Fit'], max_images: 1, style: '' },
    optimize_content: {
      title: 'Running Shoes',
      primary_keyword: 'running shoes',
      secondary_keywords: [],
      content_html: '<h2>Fit</h2><p>Good running shoes fit well.</p>',
      meta_title: '',
      meta_description: '',
    },
    link_content: {
      content_html: '<p>Pick running shoes that fit.</p>',
      targets: [
        {
          id: 2,
          title: 'Running Shoes',
          primary_keyword: 'running shoes',
          secondary_keywords: [],
          same_cluster: true,
          url: 'https://example.com/shoes',
        },
      ],
      anchor_strategy: 'exact_match',
      max_links: 5,
    },
  };
  const functions = Object.keys(inputs) as TextFunction[];

  it('is the offline provider', () => {
    expect(provider.name).toBe('offline');
  });

  it.each(functions)(
    'answers %s deterministically with tokens of a quarter of the characters',
    async (fn) => {
      const request = textRequest(fn, inputs[fn], 'p'.repeat(4001));
      const first = await provider.complete(request, signal());
      const second = await new OfflineProvider().complete(request, signal());
      expect(second.text).toBe(first.text);
      expect(first.tokensInput).toBe(1001);
      expect(first.tokensOutput).toBe(Math.ceil(first.text.length / 4));
      expect(JSON.parse(first.text)).toBeTypeOf('object');
    },
  );

  it('rejects when the signal is aborted, before or during the work', async () => {
    const reason = new Error('cancelled');
    const aborted = AbortSignal.abort(reason);
    await expect(provider.complete(textRequest('auto_cluster', inputs.auto_cluster), aborted)).rejects.toBe(
      reason,
    );
    await expect(provider.generateImage(imageRequest('shoe'), aborted)).rejects.toBe(reason);

    const controller = new AbortController();
    const rendering = provider.generateImage(imageRequest('shoe'), controller.signal);
    controller.abort(reason);
    await expect(rendering).rejects.toBe(reason);
  });
});
