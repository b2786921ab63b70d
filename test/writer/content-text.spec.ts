import { describe, expect, it } from 'vitest';
import { htmlText, validateContent, wordCount } from '../../src/modules/writer/content-text.js';
import { overallStatus } from '../../src/modules/writer/images.service.js';
import { slugify } from '../../src/modules/writer/taxonomies.service.js';

describe('content text rules', () => {
  it('counts the words of the visible text of HTML', () => {
    expect(wordCount('')).toBe(0);
    expect(wordCount('<p>  </p>')).toBe(0);
    expect(wordCount('<h1>Hello</h1><p>big&nbsp;world</p>')).toBe(3);
    expect(wordCount('one<br>two<img src="x">three')).toBe(3);
    expect(wordCount('<style>p { color: red }</style><script>let a = 1;</script><!-- a b c -->word')).toBe(1);
    expect(wordCount('rock &amp; roll &#8212; &#x41;BC')).toBe(5);
    expect(htmlText('&lt;tag&gt; &unknown; &#0;')).toBe('<tag> &unknown;  ');
  });

  it('reports errors and warnings', () => {
    const base = {
      title: 'Docker basics',
      content_html: '<p>x</p>',
      meta_title: 'T',
      meta_description: 'D',
      primary_keyword: 'docker',
      word_count: 300,
    };
    expect(validateContent(base, { hasGeneratedFeaturedImage: true })).toEqual({
      is_valid: true,
      errors: [],
      warnings: [],
    });
    const report = validateContent(
      { ...base, title: ' ', meta_title: 'x'.repeat(61), word_count: 299, primary_keyword: 'kubernetes' },
      { hasGeneratedFeaturedImage: false },
    );
    expect(report.is_valid).toBe(false);
    expect(report.errors.map((e) => e.field)).toEqual(['title']);
    expect(report.warnings.map((w) => w.field)).toEqual([
      'meta_title',
      'primary_keyword',
      'featured_image',
      'word_count',
    ]);
  });

  it('derives slugs and overall image statuses', () => {
    expect(slugify('  Crème Brûlée -- Recipes! ')).toBe('creme-brulee-recipes');
    expect(slugify('日本')).toBe('');
    expect(overallStatus(['pending', 'pending'])).toBe('pending');
    expect(overallStatus(['generated'])).toBe('complete');
    expect(overallStatus(['failed', 'failed'])).toBe('failed');
    expect(overallStatus(['failed', 'generated'])).toBe('partial');
  });
});
