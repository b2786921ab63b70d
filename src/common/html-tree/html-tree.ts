import { type DefaultTreeAdapterTypes, defaultTreeAdapter, html, parseFragment, serialize } from 'parse5';

/*
 * Article HTML as a tree (parse5): parsing, walking, text, and the text runs where an inline link may go.
 * Everything that edits HTML parses it, edits the tree and serialises it again, so tags and attributes
 * are never cut by a string replacement.
 */

export type HtmlFragment = DefaultTreeAdapterTypes.DocumentFragment;
export type HtmlElement = DefaultTreeAdapterTypes.Element;
export type HtmlText = DefaultTreeAdapterTypes.TextNode;
type HtmlNode = DefaultTreeAdapterTypes.Node;
type HtmlParent = DefaultTreeAdapterTypes.ParentNode;

export const parseHtml = (source: string): HtmlFragment => parseFragment(source);
export const serializeHtml = (fragment: HtmlFragment): string => serialize(fragment);

/** Elements whose text is not visible article text. */
const INVISIBLE = new Set(['script', 'style', 'template', 'noscript']);

/** Elements whose text never becomes (part of) a link: links, headings, code, form controls. */
const NO_LINK = new Set([
  'a',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'code',
  'pre',
  'kbd',
  'samp',
  'button',
  'label',
  'select',
  'option',
  'textarea',
  'figcaption',
  'svg',
  'math',
  ...INVISIBLE,
]);

function isElement(node: HtmlNode): node is HtmlElement {
  return 'tagName' in node;
}

function isText(node: HtmlNode): node is HtmlText {
  return node.nodeName === '#text';
}

function childrenOf(node: HtmlNode): DefaultTreeAdapterTypes.ChildNode[] {
  return 'childNodes' in node ? node.childNodes : [];
}

/** Every element of the tree in document order (template contents excluded). */
export function elements(root: HtmlFragment | HtmlElement): HtmlElement[] {
  const found: HtmlElement[] = [];
  const visit = (node: HtmlNode) => {
    for (const child of childrenOf(node)) {
      if (!isElement(child)) continue;
      found.push(child);
      visit(child);
    }
  };
  visit(root);
  return found;
}

/** The visible text of a node: text of every descendant except scripts, styles and templates. */
export function textOf(node: HtmlFragment | HtmlElement): string {
  let text = '';
  const visit = (current: HtmlNode) => {
    for (const child of childrenOf(current)) {
      if (isText(child)) text += child.value;
      else if (isElement(child) && !INVISIBLE.has(child.tagName)) {
        const block = BLOCKS.has(child.tagName);
        if (block) text += ' ';
        visit(child);
        if (block) text += ' ';
      }
    }
  };
  visit(node);
  return text.replace(/\s+/g, ' ').trim();
}

const BLOCKS = new Set([
  'p',
  'div',
  'section',
  'article',
  'li',
  'ul',
  'ol',
  'br',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'table',
  'tr',
  'td',
  'th',
  'blockquote',
  'figure',
  'figcaption',
]);

export function attribute(element: HtmlElement, name: string): string | null {
  return element.attrs.find((attr) => attr.name === name)?.value ?? null;
}

export function setAttribute(element: HtmlElement, name: string, value: string): void {
  const existing = element.attrs.find((attr) => attr.name === name);
  if (existing) existing.value = value;
  else element.attrs.push({ name, value });
}

/** Replaces the children of `element` by one text node. */
export function setText(element: HtmlElement, text: string): void {
  for (const child of [...element.childNodes]) defaultTreeAdapter.detachNode(child);
  defaultTreeAdapter.insertText(element, text);
}

/** A new element of the HTML namespace with attributes and, optionally, a text child. */
export function createElement(
  tagName: string,
  attrs: Record<string, string> = {},
  text?: string,
): HtmlElement {
  const element = defaultTreeAdapter.createElement(
    tagName,
    html.NS.HTML,
    Object.entries(attrs).map(([name, value]) => ({ name, value })),
  );
  if (text !== undefined) defaultTreeAdapter.insertText(element, text);
  return element;
}

export function insertBefore(reference: HtmlElement, node: HtmlElement): void {
  const parent = reference.parentNode as HtmlParent;
  defaultTreeAdapter.insertBefore(parent, node, reference);
}

export function insertAfter(reference: HtmlElement, node: HtmlElement): void {
  const parent = reference.parentNode as HtmlParent;
  const next = parent.childNodes[parent.childNodes.indexOf(reference) + 1];
  if (next) defaultTreeAdapter.insertBefore(parent, node, next);
  else defaultTreeAdapter.appendChild(parent, node);
}

export function appendChild(parent: HtmlFragment | HtmlElement, node: HtmlElement): void {
  defaultTreeAdapter.appendChild(parent, node);
}

export function removeNode(node: HtmlElement): void {
  defaultTreeAdapter.detachNode(node);
}

/** A text node where a link may be inserted, and where its text starts in the linkable text. */
export interface TextRun {
  node: HtmlText;
  /** Offset of the run's first character in `linkableText` (runs joined by one space). */
  start: number;
  text: string;
}

/**
 * The text nodes outside links, headings, code, form controls and invisible elements, in document order:
 * where inline links may go.
 */
export function linkableRuns(root: HtmlFragment): TextRun[] {
  const runs: TextRun[] = [];
  let offset = 0;
  const visit = (node: HtmlNode) => {
    for (const child of childrenOf(node)) {
      if (isText(child)) {
        if (child.value.trim() === '') continue;
        runs.push({ node: child, start: offset, text: child.value });
        offset += child.value.length + 1;
      } else if (isElement(child) && !NO_LINK.has(child.tagName)) visit(child);
    }
  };
  visit(root);
  return runs;
}

/** The text of the runs joined by one space: what link positions count in. */
export function linkableText(runs: readonly TextRun[]): string {
  return runs.map((run) => run.text).join(' ');
}

/**
 * Wraps `text[from, to)` of a run in `<a href="…">`: the text node is split around the new element, so the
 * rest of the tree is untouched.
 */
export function wrapInLink(run: TextRun, from: number, to: number, href: string): HtmlElement {
  const { node } = run;
  const parent = node.parentNode as HtmlParent;
  const value = node.value;
  const link = createElement('a', { href }, value.slice(from, to));
  const after = value.slice(to);
  node.value = value.slice(0, from);
  const next = parent.childNodes[parent.childNodes.indexOf(node) + 1];
  if (next) defaultTreeAdapter.insertBefore(parent, link, next);
  else defaultTreeAdapter.appendChild(parent, link);
  if (after !== '') {
    const tail: HtmlText = { nodeName: '#text', value: after, parentNode: parent };
    const index = parent.childNodes.indexOf(link);
    parent.childNodes.splice(index + 1, 0, tail);
  }
  if (node.value === '') parent.childNodes.splice(parent.childNodes.indexOf(node), 1);
  return link;
}
