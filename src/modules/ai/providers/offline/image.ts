import { loadSharp } from '../../../../common/media/sharp.js';
import { hashText } from './hash.js';
import { escapeMarkup, tidy } from './text.js';

export const MIN_WIDTH = 512;
export const MIN_HEIGHT = 288;
/** Neither side goes beyond this, to keep offline files small. */
export const MAX_SIDE = 1024;
const FALLBACK = { width: 1024, height: 576 };
const WEBP_QUALITY = 80;

export interface Dimensions {
  width: number;
  height: number;
}

/**
 * The size to render for a requested `WIDTHxHEIGHT`: the same aspect ratio scaled down so that
 * neither side exceeds 1024, and up to at least 512×288 (only ratios beyond 1024:288 or 512:1024
 * are clamped). A size that does not parse renders at 1024×576.
 */
export function renderSize(size: string): Dimensions {
  const match = /^\s*(\d+)\s*[x×]\s*(\d+)\s*$/iu.exec(size);
  const requested = match ? { width: Number(match[1]), height: Number(match[2]) } : FALLBACK;
  const { width, height } = requested.width > 0 && requested.height > 0 ? requested : FALLBACK;
  const shrink = Math.min(1, MAX_SIDE / width, MAX_SIDE / height);
  const scale = shrink * Math.max(1, MIN_WIDTH / (width * shrink), MIN_HEIGHT / (height * shrink));
  return {
    width: clamp(Math.round(width * scale), MIN_WIDTH, MAX_SIDE),
    height: clamp(Math.round(height * scale), MIN_HEIGHT, MAX_SIDE),
  };
}

/** A WebP picture of the prompt: its text on a background whose colours and shapes derive from it. */
export async function renderPromptImage(prompt: string, size: string): Promise<Buffer> {
  const svg = promptSvg(tidy(prompt), renderSize(size));
  const sharp = await loadSharp();
  return sharp(Buffer.from(svg)).webp({ quality: WEBP_QUALITY }).toBuffer();
}

function promptSvg(prompt: string, { width, height }: Dimensions): string {
  const seed = hashText(prompt);
  const random = randomSequence(seed);
  const fontSize = Math.max(16, Math.round(width / 30));
  const lineHeight = Math.round(fontSize * 1.35);
  const margin = Math.round(width * 0.07);
  const lines = wrap(
    prompt,
    Math.floor((width - 2 * margin) / (fontSize * 0.56)),
    Math.max(1, Math.floor((height - 2 * margin) / lineHeight)),
  );
  const firstBaseline = Math.round((height - lines.length * lineHeight) / 2 + fontSize);
  const circles = Array.from({ length: 4 }, () => {
    const [x, y, r] = [random() * width, random() * height, (0.1 + random() * 0.3) * height];
    return `<circle cx="${Math.round(x)}" cy="${Math.round(y)}" r="${Math.round(r)}" fill="#ffffff" fill-opacity="0.07"/>`;
  });
  const spans = lines.map(
    (line, i) => `<tspan x="${margin}" y="${firstBaseline + i * lineHeight}">${escapeMarkup(line)}</tspan>`,
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    '<defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="1">',
    `<stop offset="0" stop-color="${darkColour(seed)}"/><stop offset="1" stop-color="${darkColour(Math.imul(seed, 0x9e3779b1) >>> 0)}"/>`,
    '</linearGradient></defs>',
    `<rect width="${width}" height="${height}" fill="url(#bg)"/>`,
    ...circles,
    `<text font-family="sans-serif" font-size="${fontSize}" fill="#ffffff">${spans.join('')}</text>`,
    '</svg>',
  ].join('\n');
}

/** Words in lines of at most `width` characters (longer words are cut), at most `maxLines` lines. */
function wrap(text: string, width: number, maxLines: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ').flatMap((w) => pieces(w, width))) {
    if (line === '') line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line !== '') lines.push(line);
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  kept[maxLines - 1] = `${[...kept[maxLines - 1]].slice(0, width - 1).join('')}…`;
  return kept;
}

function pieces(word: string, width: number): string[] {
  const characters = [...word];
  const result: string[] = [];
  for (let start = 0; start < characters.length; start += width) {
    result.push(characters.slice(start, start + width).join(''));
  }
  return result;
}

/** A colour with every channel in 32–143, dark enough under white text. */
function darkColour(seed: number): string {
  return `#${[0, 8, 16].map((shift) => (32 + (((seed >>> shift) & 0xff) % 112)).toString(16).padStart(2, '0')).join('')}`;
}

/** mulberry32: a small seeded pseudo-random sequence in [0, 1), for the background shapes. */
function randomSequence(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
