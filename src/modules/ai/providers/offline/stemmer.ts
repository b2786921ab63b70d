/**
 * The Porter stemmer (M. F. Porter, 1980) for lower-case English words: "running" → "run",
 * "shoes" → "shoe", "generalization" → "gener". Words that are not plain a–z, or shorter than three
 * letters, are returned unchanged.
 */
export function stem(word: string): string {
  if (word.length < 3 || !/^[a-z]+$/.test(word)) return word;
  return step5(step4(step3(step2(step1c(step1b(step1a(word)))))));
}

function isConsonant(word: string, index: number): boolean {
  const letter = word[index];
  if ('aeiou'.includes(letter)) return false;
  if (letter === 'y') return index === 0 || !isConsonant(word, index - 1);
  return true;
}

/** m in [C](VC){m}[V]: how many vowel-to-consonant transitions the word has. */
function measure(word: string): number {
  let transitions = 0;
  for (let i = 1; i < word.length; i++) {
    if (isConsonant(word, i) && !isConsonant(word, i - 1)) transitions++;
  }
  return transitions;
}

function hasVowel(word: string): boolean {
  return [...word].some((_, i) => !isConsonant(word, i));
}

function endsWithDoubleConsonant(word: string): boolean {
  const last = word.length - 1;
  return last > 0 && word[last] === word[last - 1] && isConsonant(word, last);
}

/** *o: ends consonant-vowel-consonant, the last consonant not w, x or y ("hop", not "how"). */
function endsCvc(word: string): boolean {
  const last = word.length - 1;
  return (
    last >= 2 &&
    isConsonant(word, last - 2) &&
    !isConsonant(word, last - 1) &&
    isConsonant(word, last) &&
    !'wxy'.includes(word[last])
  );
}

type Rule = [suffix: string, replacement: string];

/** Replaces the longest matching suffix when what precedes it satisfies `condition`. */
function replaceSuffix(word: string, rules: readonly Rule[], condition: (stem: string) => boolean): string {
  const match = rules.filter(([suffix]) => word.endsWith(suffix)).sort(([a], [b]) => b.length - a.length)[0];
  if (!match) return word;
  const [suffix, replacement] = match;
  const base = word.slice(0, -suffix.length);
  return condition(base) ? base + replacement : word;
}

function step1a(word: string): string {
  if (word.endsWith('sses') || word.endsWith('ies')) return word.slice(0, -2);
  if (word.endsWith('ss')) return word;
  return word.endsWith('s') ? word.slice(0, -1) : word;
}

function step1b(word: string): string {
  if (word.endsWith('eed')) return measure(word.slice(0, -3)) > 0 ? word.slice(0, -1) : word;
  for (const suffix of ['ed', 'ing']) {
    const base = word.slice(0, -suffix.length);
    if (word.endsWith(suffix) && hasVowel(base)) return tidyAfter1b(base);
  }
  return word;
}

function tidyAfter1b(word: string): string {
  if (word.endsWith('at') || word.endsWith('bl') || word.endsWith('iz')) return `${word}e`;
  if (endsWithDoubleConsonant(word) && !'lsz'.includes(word[word.length - 1])) return word.slice(0, -1);
  if (measure(word) === 1 && endsCvc(word)) return `${word}e`;
  return word;
}

function step1c(word: string): string {
  return word.endsWith('y') && hasVowel(word.slice(0, -1)) ? `${word.slice(0, -1)}i` : word;
}

const STEP2: readonly Rule[] = [
  ['ational', 'ate'],
  ['tional', 'tion'],
  ['enci', 'ence'],
  ['anci', 'ance'],
  ['izer', 'ize'],
  ['bli', 'ble'],
  ['alli', 'al'],
  ['entli', 'ent'],
  ['eli', 'e'],
  ['ousli', 'ous'],
  ['ization', 'ize'],
  ['ation', 'ate'],
  ['ator', 'ate'],
  ['alism', 'al'],
  ['iveness', 'ive'],
  ['fulness', 'ful'],
  ['ousness', 'ous'],
  ['aliti', 'al'],
  ['iviti', 'ive'],
  ['biliti', 'ble'],
  ['logi', 'log'],
];

const STEP3: readonly Rule[] = [
  ['icate', 'ic'],
  ['ative', ''],
  ['alize', 'al'],
  ['iciti', 'ic'],
  ['ical', 'ic'],
  ['ful', ''],
  ['ness', ''],
];

const STEP4: readonly Rule[] = [
  'al',
  'ance',
  'ence',
  'er',
  'ic',
  'able',
  'ible',
  'ant',
  'ement',
  'ment',
  'ent',
  'ion',
  'ou',
  'ism',
  'ate',
  'iti',
  'ous',
  'ive',
  'ize',
].map((suffix): Rule => [suffix, '']);

function step2(word: string): string {
  return replaceSuffix(word, STEP2, (base) => measure(base) > 0);
}

function step3(word: string): string {
  return replaceSuffix(word, STEP3, (base) => measure(base) > 0);
}

function step4(word: string): string {
  const ionNeedsSOrT = (base: string) => !word.endsWith('ion') || base.endsWith('s') || base.endsWith('t');
  return replaceSuffix(word, STEP4, (base) => measure(base) > 1 && ionNeedsSOrT(base));
}

function step5(word: string): string {
  let result = word;
  if (result.endsWith('e')) {
    const base = result.slice(0, -1);
    const m = measure(base);
    if (m > 1 || (m === 1 && !endsCvc(base))) result = base;
  }
  if (measure(result) > 1 && endsWithDoubleConsonant(result) && result.endsWith('l'))
    result = result.slice(0, -1);
  return result;
}
