/** An in-article image as it goes into the published body. */
export interface BodyImage {
  position: number;
  url: string;
  alt: string;
  caption: string;
  width: number | null;
  height: number | null;
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function figure(image: BodyImage): string {
  const size = image.width && image.height ? ` width="${image.width}" height="${image.height}"` : '';
  const caption = image.caption.trim() ? `<figcaption>${escapeText(image.caption)}</figcaption>` : '';
  return (
    `<figure class="igny8-image igny8-image-${image.position}">` +
    `<img src="${escapeAttribute(image.url)}" alt="${escapeAttribute(image.alt)}"${size} loading="lazy"/>` +
    `${caption}</figure>`
  );
}

/**
 * The body sent to WordPress (docs/publishing.md#publish-html), built without changing the stored
 * content: the in-article image at position p goes immediately before the (p + 2)-th `<h2>` of the
 * body (so the first image follows the first section); images that find no such heading are appended
 * at the end, by position.
 */
export function publishHtml(contentHtml: string, images: readonly BodyImage[]): string {
  const sorted = [...images].sort((a, b) => a.position - b.position);
  const headings: number[] = [];
  const pattern = /<h2[\s>]/gi;
  for (let match = pattern.exec(contentHtml); match; match = pattern.exec(contentHtml)) {
    headings.push(match.index);
  }
  const before = new Map<number, BodyImage[]>();
  const trailing: BodyImage[] = [];
  for (const image of sorted) {
    const at = headings[image.position + 1];
    if (at === undefined) trailing.push(image);
    else before.set(at, [...(before.get(at) ?? []), image]);
  }
  let out = '';
  let last = 0;
  for (const at of [...before.keys()].sort((a, b) => a - b)) {
    out += contentHtml.slice(last, at) + (before.get(at) ?? []).map(figure).join('');
    last = at;
  }
  out += contentHtml.slice(last) + trailing.map(figure).join('');
  return out;
}
