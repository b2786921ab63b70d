import { describe, expect, it } from 'vitest';
import { insertLinks } from '../../src/modules/linker/link-insertion.js';

const URL = 'https://blog.example.com/cloud-backup';
const urls = new Map<number, string | null>([
  [1, URL],
  [2, 'https://blog.example.com/restore'],
  [3, null],
]);
const suggest = (anchor_text: string, target_content_id = 1, position = 0, confidence = 0.9) => ({
  anchor_text,
  target_content_id,
  position,
  confidence,
});

describe('insertLinks', () => {
  it('links the occurrence nearest to the position, keeping entities and inline markup around it', () => {
    const html = '<p>Cloud backup &amp; sync.</p><p>Compare <em>prices</em> before a cloud backup plan.</p>';
    const { html: out, inserted } = insertLinks(html, [suggest('cloud backup', 1, 40)], urls, 5);
    expect(out).toBe(
      `<p>Cloud backup &amp; sync.</p><p>Compare <em>prices</em> before a <a href="${URL}">cloud backup</a> plan.</p>`,
    );
    expect(inserted).toEqual([{ anchor_text: 'cloud backup', target_content_id: 1, target_url: URL }]);
  });

  it('never links inside links, headings, code, captions or attributes, nor across elements', () => {
    const html =
      '<h3>Cloud backup</h3><p><a href="/x">cloud backup</a> <code>cloud backup</code> <img alt="cloud backup" src="a.webp"> cloud <b>backup</b></p><figure><figcaption>cloud backup</figcaption></figure>';
    const { html: out, inserted, opportunities } = insertLinks(html, [suggest('cloud backup')], urls, 5);
    expect(out).toBe(html);
    expect(inserted).toEqual([]);
    expect(opportunities).toEqual([{ ...suggest('cloud backup'), target_url: URL, inserted: false }]);
  });

  it('matches whole words only, any case, and keeps the text as written', () => {
    const html = '<p>Multicloud backups differ. CLOUD BACKUP works.</p>';
    const { html: out } = insertLinks(html, [suggest('cloud backup')], urls, 5);
    expect(out).toBe(`<p>Multicloud backups differ. <a href="${URL}">CLOUD BACKUP</a> works.</p>`);
  });

  it('inserts by confidence up to max_links, one link per target, and skips targets already linked', () => {
    const html = `<p>Restore drills and cloud backup checks. A second cloud backup note.</p><p>See <a href="${URL}/">our guide</a>.</p>`;
    const suggestions = [
      suggest('cloud backup', 1, 0, 0.99),
      suggest('restore drills', 2, 0, 0.8),
      suggest('second cloud backup', 1, 40, 0.7),
      suggest('note', 3, 50, 0.95),
    ];
    const { html: out, inserted, opportunities } = insertLinks(html, suggestions, urls, 1);
    // The target-1 page is already linked from the body; target 3 has no URL; max_links is 1.
    expect(inserted.map((link) => link.target_content_id)).toEqual([2]);
    expect(out).toContain('<a href="https://blog.example.com/restore">Restore drills</a>');
    expect(opportunities.map((o) => [o.target_content_id, o.inserted])).toEqual([
      [1, false],
      [3, false],
      [2, true],
      [1, false],
    ]);
    const capped = insertLinks('<p>Restore drills and backups.</p>', suggestions, urls, 0);
    expect(capped.inserted).toEqual([]);
  });
});
