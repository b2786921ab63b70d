import type { TextInputs, TextOutputs } from '../ai-provider.js';
import { keywordTerms, type Term } from './keyword-terms.js';
import { joinList, titleCase } from './text.js';

export const MAX_KEYWORDS_PER_CLUSTER = 10;
const NAME_TERMS = 3;

type Cluster = TextOutputs['auto_cluster']['clusters'][number];

interface Entry {
  id: number;
  keyword: string;
  terms: Term[];
}

/**
 * Groups keywords that share a stem (docs/domain-model.md#ai-engine, offline provider). Keywords are taken in
 * id order; each one joins the existing groups it shares stems with (most shared stems first, then the oldest
 * group), merging them as long as the result stays within 10 keywords. A keyword that shares no stem with a
 * group that has room starts a group of its own. Groups come out in the order of their lowest keyword id.
 */
export function clusterKeywords({ keywords }: TextInputs['auto_cluster']): TextOutputs['auto_cluster'] {
  const entries = [...keywords]
    .sort((a, b) => a.id - b.id || compareText(a.keyword, b.keyword))
    .map(({ id, keyword }) => ({ id, keyword, terms: keywordTerms(keyword) }));
  const groups: Entry[][] = [];
  for (const entry of entries) place(entry, groups);
  const names = new Set<string>();
  return { clusters: groups.map((group) => describe(group, names)) };
}

function place(entry: Entry, groups: Entry[][]): void {
  const candidates = groups
    .map((group, index) => ({ group, index, shared: sharedStems(entry, group) }))
    .filter(({ shared }) => shared > 0)
    .sort((a, b) => b.shared - a.shared || a.index - b.index);
  const joined: typeof candidates = [];
  let size = 1;
  for (const candidate of candidates) {
    if (size + candidate.group.length > MAX_KEYWORDS_PER_CLUSTER) continue;
    joined.push(candidate);
    size += candidate.group.length;
  }
  if (joined.length === 0) {
    groups.push([entry]);
    return;
  }
  const indexes = joined.map(({ index }) => index).sort((a, b) => a - b);
  const merged = [entry, ...joined.flatMap(({ group }) => group)].sort((a, b) => a.id - b.id);
  groups[indexes[0]] = merged;
  for (const index of indexes.slice(1).reverse()) groups.splice(index, 1);
}

function sharedStems(entry: Entry, group: Entry[]): number {
  const groupStems = new Set(group.flatMap(({ terms }) => terms.map(({ stem }) => stem)));
  return entry.terms.filter(({ stem }) => groupStems.has(stem)).length;
}

/** A term of a group: its most used spelling, how many keywords have it and where it usually stands. */
interface GroupTerm {
  word: string;
  keywords: number;
  position: number;
}

/**
 * Name: the group's three most frequent shared terms (most keywords first, ties alphabetical), in
 * the order they usually take in the keywords ("Trail Running Shoes"), or the keyword itself for a
 * lone keyword. A name already used in this answer is extended with the next terms, then numbered,
 * so that no two clusters of one answer merge when saved by name.
 */
function describe(group: Entry[], names: Set<string>): Cluster {
  const keywords = group.map(({ keyword }) => keyword);
  const ranked = rankTerms(group);
  const shared = ranked.filter((term) => term.keywords > 1);
  const lead = inUsualOrder(shared.slice(0, NAME_TERMS));
  const name = uniqueName(nameCandidates(group[0], ranked, lead.length), names);
  const description =
    shared.length === 0
      ? `Searches for "${keywords[0]}".`
      : `${group.length} searches about ${joinList(lead)}, such as "${keywords[0]}".`;
  return { name, description, keywords };
}

/** The name from the first `length` ranked terms, then longer ones; a lone keyword's own text. */
function nameCandidates(first: Entry, ranked: GroupTerm[], length: number): string[] {
  if (length === 0) return [titleCase(first.keyword) || `Keyword ${first.id}`];
  return ranked
    .slice(length - 1)
    .map((_, extra) => titleCase(inUsualOrder(ranked.slice(0, length + extra)).join(' ')));
}

function inUsualOrder(terms: GroupTerm[]): string[] {
  return [...terms]
    .sort((a, b) => a.position - b.position || compareText(a.word, b.word))
    .map(({ word }) => word);
}

function uniqueName(candidates: string[], names: Set<string>): string {
  let name = candidates.find((candidate) => !names.has(candidate));
  for (let n = 2; name === undefined; n++) {
    if (!names.has(`${candidates[0]} ${n}`)) name = `${candidates[0]} ${n}`;
  }
  names.add(name);
  return name;
}

/** The group's terms, most keywords first, ties alphabetical; `position` is the mean relative one (0–1). */
function rankTerms(group: Entry[]): GroupTerm[] {
  const byStem = new Map<string, { keywords: number; positions: number; spellings: Map<string, number> }>();
  for (const { terms } of group) {
    terms.forEach(({ stem, word }, index) => {
      const term = byStem.get(stem) ?? { keywords: 0, positions: 0, spellings: new Map<string, number>() };
      term.keywords++;
      term.positions += terms.length > 1 ? index / (terms.length - 1) : 0;
      term.spellings.set(word, (term.spellings.get(word) ?? 0) + 1);
      byStem.set(stem, term);
    });
  }
  return [...byStem.values()]
    .map(({ keywords, positions, spellings }) => ({
      keywords,
      position: positions / keywords,
      word: commonestSpelling(spellings),
    }))
    .sort((a, b) => b.keywords - a.keywords || compareText(a.word, b.word));
}

/** The spelling used most, then the shortest, then the first alphabetically. */
function commonestSpelling(spellings: Map<string, number>): string {
  return [...spellings].sort(
    ([a, countA], [b, countB]) => countB - countA || a.length - b.length || compareText(a, b),
  )[0][0];
}

/** Locale-independent, so the same input gives the same order everywhere. */
function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
