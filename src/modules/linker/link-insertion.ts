import {
  attribute,
  elements,
  linkableRuns,
  parseHtml,
  serializeHtml,
  type TextRun,
  wrapInLink,
} from '../../common/html-tree/html-tree.js';
import { phraseMatches } from '../../common/html-tree/prose.js';

/** A place the model (or the offline provider) suggests for a link. */
export interface LinkSuggestion {
  anchor_text: string;
  target_content_id: number;
  /** Offset in the linkable text (outside links and headings); the occurrence nearest to it is used. */
  position: number;
  confidence: number;
}

/** A reported opportunity: where it was (or would be) linked, and whether a link was inserted. */
export interface LinkOpportunity extends LinkSuggestion {
  target_url: string | null;
  inserted: boolean;
}

export interface InsertedLink {
  anchor_text: string;
  target_content_id: number;
  target_url: string;
}

export interface LinkInsertion {
  html: string;
  inserted: InsertedLink[];
  opportunities: LinkOpportunity[];
}

function normalisedUrl(url: string): string {
  return url.trim().replace(/\/+$/u, '').toLowerCase();
}

/** The occurrence of `anchor` (whole words, any case) in a linkable run nearest to `position`. */
function locate(runs: readonly TextRun[], anchor: string, position: number) {
  let best: { run: TextRun; from: number; to: number; at: number } | null = null;
  for (const run of runs) {
    for (const [from, to] of phraseMatches(run.text, anchor)) {
      const at = run.start + from;
      if (!best || Math.abs(at - position) < Math.abs(best.at - position)) best = { run, from, to, at };
    }
  }
  return best;
}

/**
 * Inserts internal links into article HTML (docs/linker.md). Suggestions are taken by confidence (then
 * position); each becomes `<a href="<target url>">` around its anchor text where that text stands outside
 * links, headings, code and attributes — the HTML is parsed and serialised, never edited as a string. At
 * most `maxLinks` links, one per target; a target the body already links to, or without a URL, is reported
 * but not linked. The HTML comes back unchanged when nothing was inserted.
 */
export function insertLinks(
  html: string,
  suggestions: readonly LinkSuggestion[],
  urls: ReadonlyMap<number, string | null>,
  maxLinks: number,
): LinkInsertion {
  const root = parseHtml(html);
  const alreadyLinked = new Set(
    elements(root)
      .filter((element) => element.tagName === 'a')
      .map((link) => normalisedUrl(attribute(link, 'href') ?? '')),
  );
  const linkedTargets = new Set<number>();
  const inserted: InsertedLink[] = [];
  const opportunities: LinkOpportunity[] = [];
  const ranked = [...suggestions].sort((a, b) => b.confidence - a.confidence || a.position - b.position);
  for (const suggestion of ranked) {
    const url = urls.get(suggestion.target_content_id) ?? null;
    const opportunity: LinkOpportunity = { ...suggestion, target_url: url, inserted: false };
    opportunities.push(opportunity);
    if (
      url === null ||
      inserted.length >= maxLinks ||
      linkedTargets.has(suggestion.target_content_id) ||
      alreadyLinked.has(normalisedUrl(url))
    )
      continue;
    const match = locate(linkableRuns(root), suggestion.anchor_text, suggestion.position);
    if (!match) continue;
    wrapInLink(match.run, match.from, match.to, url);
    linkedTargets.add(suggestion.target_content_id);
    const anchor = match.run.text.slice(match.from, match.to);
    inserted.push({ anchor_text: anchor, target_content_id: suggestion.target_content_id, target_url: url });
    Object.assign(opportunity, { anchor_text: anchor, position: match.at, inserted: true });
  }
  return { html: inserted.length > 0 ? serializeHtml(root) : html, inserted, opportunities };
}
