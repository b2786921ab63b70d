import { linkableRuns, linkableText, parseHtml } from '../../../../common/html-tree/html-tree.js';
import { phraseMatches, words } from '../../../../common/html-tree/prose.js';
import type { LinkTarget, TextInputs, TextOutputs } from '../ai-provider.js';
import { keywordTerms } from './keyword-terms.js';
import { stem } from './stemmer.js';

type Link = TextOutputs['link_content']['links'][number];

interface Span {
  from: number;
  to: number;
  confidence: number;
}

/** Bonus for a target in the same cluster as the content (topical overlap). */
const SAME_CLUSTER = 0.05;

/** Clause boundaries a partial-match anchor does not cross. */
const CLAUSE_END = /[,.;:!?()"“”]/u;

const EDGE_STOP_WORDS = new Set(
  'a an and are as at be by for from in is it of on or our that the their this to was were with your'.split(
    ' ',
  ),
);

/**
 * `extra` (the words next to a keyword, with their spacing) without the stop words at its outer edge: a
 * partial-match anchor neither starts nor ends with "the", "and", ….
 */
function withoutEdgeStopWords(extra: string, side: 'start' | 'end'): string {
  const tokens = [...extra.matchAll(/\S+/gu)].map((match) => ({
    from: match.index,
    to: match.index + match[0].length,
    word: match[0],
  }));
  const stop = (index: number) => EDGE_STOP_WORDS.has(tokens[index].word.toLowerCase());
  if (side === 'start') {
    while (tokens.length > 0 && stop(0)) tokens.shift();
    return tokens.length > 0 ? extra.slice(tokens[0].from) : '';
  }
  while (tokens.length > 0 && stop(tokens.length - 1)) tokens.pop();
  return tokens.length > 0 ? extra.slice(0, tokens[tokens.length - 1].to) : '';
}

/** The target's primary keyword exactly as it appears in the text. */
function exact(text: string, target: LinkTarget): Span[] {
  return phraseMatches(text, target.primary_keyword).map(([from, to]) => ({ from, to, confidence: 0.9 }));
}

/**
 * A phrase of the text containing the keyword: the keyword with the neighbouring word on each side
 * within its clause; when the whole keyword is absent, its longest run of two or more words.
 */
function partial(text: string, target: LinkTarget): Span[] {
  const keywordWords = words(target.primary_keyword);
  const spans: Span[] = [];
  for (const [from, to] of phraseMatches(text, target.primary_keyword)) {
    const left = (
      text
        .slice(Math.max(0, from - 40), from)
        .split(CLAUSE_END)
        .pop() ?? ''
    ).match(/(?:[\p{L}\p{N}'’-]+\s+){0,1}$/u)?.[0];
    const right = (text.slice(to, to + 40).split(CLAUSE_END)[0] ?? '').match(
      /^(?:\s+[\p{L}\p{N}'’-]+){0,1}/u,
    )?.[0];
    spans.push({
      from: from - withoutEdgeStopWords(left ?? '', 'start').length,
      to: to + withoutEdgeStopWords(right ?? '', 'end').length,
      confidence: 0.85,
    });
  }
  if (spans.length > 0) return spans;
  for (let size = keywordWords.length - 1; size >= 2; size--) {
    for (let start = 0; start + size <= keywordWords.length; start++) {
      const phrase = keywordWords.slice(start, start + size).join(' ');
      const found = phraseMatches(text, phrase).map(([from, to]) => ({
        from,
        to,
        confidence: 0.6 + (0.2 * size) / keywordWords.length,
      }));
      if (found.length > 0) return found;
    }
  }
  return [];
}

/**
 * A phrase with the same meaning: the keyword, one of the target's secondary keywords, or a run of words
 * whose stems are the keyword's topical terms in any order.
 */
function semantic(text: string, target: LinkTarget): Span[] {
  const direct = exact(text, target).map((span) => ({ ...span, confidence: 0.8 }));
  if (direct.length > 0) return direct;
  for (const secondary of target.secondary_keywords) {
    const found = phraseMatches(text, secondary).map(([from, to]) => ({ from, to, confidence: 0.7 }));
    if (found.length > 0) return found;
  }
  const stems = new Set(keywordTerms(target.primary_keyword).map((term) => term.stem));
  if (stems.size < 2) return [];
  const tokens = [...text.matchAll(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu)].map((match) => ({
    from: match.index,
    to: match.index + match[0].length,
    stem: stem(match[0].toLowerCase().replace(/['’]/gu, '')),
  }));
  for (const size of [stems.size, stems.size + 1]) {
    for (let start = 0; start + size <= tokens.length; start++) {
      const window = tokens.slice(start, start + size);
      const [first, last] = [window[0], window[window.length - 1]];
      const covered = new Set(window.map((token) => token.stem));
      if (
        stems.has(first.stem) &&
        stems.has(last.stem) &&
        [...stems].every((s) => covered.has(s)) &&
        !CLAUSE_END.test(text.slice(first.from, last.to))
      )
        return [{ from: first.from, to: last.to, confidence: 0.6 }];
    }
  }
  return [];
}

const STRATEGIES = { exact_match: exact, partial_match: partial, semantic };

/**
 * The offline `link_content` (docs/linker.md): for each target, the first place in the text outside links
 * and headings that matches its keyword under the anchor strategy, not overlapping an anchor already chosen;
 * same-cluster targets get a higher confidence. Opportunities come ranked by confidence, then position.
 */
export function suggestLinks(input: TextInputs['link_content']): TextOutputs['link_content'] {
  const text = linkableText(linkableRuns(parseHtml(input.content_html)));
  const find = STRATEGIES[input.anchor_strategy];
  const taken: [number, number][] = [];
  const links: Link[] = [];
  const targets = [...input.targets].sort(
    (a, b) => Number(b.same_cluster) - Number(a.same_cluster) || a.id - b.id,
  );
  for (const target of targets) {
    if (words(target.primary_keyword).length === 0) continue;
    const span = find(text, target).find(({ from, to }) => !taken.some(([f, t]) => from < t && to > f));
    if (!span) continue;
    taken.push([span.from, span.to]);
    links.push({
      anchor_text: text.slice(span.from, span.to).replace(/\s+/gu, ' ').trim(),
      target_content_id: target.id,
      position: span.from,
      confidence: Math.min(
        0.99,
        Math.round((span.confidence + (target.same_cluster ? SAME_CLUSTER : 0)) * 100) / 100,
      ),
    });
  }
  links.sort((a, b) => b.confidence - a.confidence || a.position - b.position);
  return { links };
}
