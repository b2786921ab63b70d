import { stem } from './stemmer.js';

/** Common English function words; they say nothing about a keyword's topic. */
const STOP_WORDS: ReadonlySet<string> = new Set(
  `a about above after again against all am an and any are as at be because been before being below
  between both but by can cant could did didnt do does doesnt doing dont down during each few for from
  further had has have having he her here hers herself him himself his how i if in into is isnt it its
  itself just me more most my myself no nor not now of off on once only or other our ours ourselves out
  over own same she should so some such than that the their theirs them themselves then there these they
  this those through to too under until up very via vs was we were what when where which while who whom
  why will with without would you your yours yourself yourselves`.split(/\s+/),
);

/** A topical word of a keyword: as written (lower case) and its stem. */
export interface Term {
  word: string;
  stem: string;
}

/**
 * The topical terms of a keyword, in order and without repeated stems: lower-cased, apostrophes
 * dropped ("women's" → "womens"), split on anything that is not a letter or digit, stop words removed.
 */
export function keywordTerms(keyword: string): Term[] {
  const seen = new Set<string>();
  const terms: Term[] = [];
  for (const word of keyword
    .toLowerCase()
    .replace(/['’]/gu, '')
    .split(/[^\p{L}\p{N}]+/u)) {
    if (word === '' || STOP_WORDS.has(word)) continue;
    const term = { word, stem: stem(word) };
    if (seen.has(term.stem)) continue;
    seen.add(term.stem);
    terms.push(term);
  }
  return terms;
}
