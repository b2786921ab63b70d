import type { Color, PDFDocument, PDFFont, PDFPage } from 'pdf-lib';
import type { Invoice } from './entities/invoice.entity.js';

export interface InvoiceParty {
  /** The seller block, one entry per line (configuration). */
  seller: string[];
  /** The buyer: account name and billing address lines. */
  buyer: string[];
}

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 50;

/** The standard fonts encode WinAnsi only: anything else is printed as `?` rather than failing. */
function printable(text: string): string {
  return text.replace(/[^\x20-\x7E\xA0-\xFF]/g, '?');
}

class Writer {
  private y = A4[1] - MARGIN;
  private page: PDFPage;

  constructor(
    private readonly doc: PDFDocument,
    private readonly font: PDFFont,
    private readonly bold: PDFFont,
    private readonly grey: Color,
  ) {
    this.page = doc.addPage(A4);
  }

  text(value: string, x: number, options: { size?: number; bold?: boolean; right?: boolean } = {}): void {
    const size = options.size ?? 10;
    const font = options.bold ? this.bold : this.font;
    const content = printable(value);
    const left = options.right ? x - font.widthOfTextAtSize(content, size) : x;
    this.page.drawText(content, { x: left, y: this.y, size, font });
  }

  line(gap = 14): void {
    this.y -= gap;
    if (this.y < MARGIN) {
      this.page = this.doc.addPage(A4);
      this.y = A4[1] - MARGIN;
    }
  }

  rule(): void {
    this.page.drawLine({
      start: { x: MARGIN, y: this.y + 4 },
      end: { x: A4[0] - MARGIN, y: this.y + 4 },
      thickness: 0.5,
      color: this.grey,
    });
    this.line(10);
  }

  /** Wraps `value` to `width` points. */
  wrap(value: string, width: number, size = 10): string[] {
    const words = printable(value).split(/\s+/);
    const lines: string[] = [];
    let current = '';
    for (const word of words) {
      const next = current ? `${current} ${word}` : word;
      if (current && this.font.widthOfTextAtSize(next, size) > width) {
        lines.push(current);
        current = word;
      } else current = next;
    }
    if (current) lines.push(current);
    return lines.length > 0 ? lines : [''];
  }
}

/**
 * The invoice as a PDF (docs/billing.md#invoices): seller and buyer blocks, number, dates, status,
 * the line items, and subtotal, tax and total in the invoice currency. Amounts are printed from the
 * invoice's decimal strings as they are, never recomputed.
 */
export async function renderInvoicePdf(invoice: Invoice, parties: InvoiceParty): Promise<Uint8Array> {
  // Imported here, not at the top: in the bundled build (scripts/bundle.mjs) a static import of
  // pdf-lib would be hoisted to the bundle's top and load at every start.
  const pdf = await import('pdf-lib');
  const doc = await pdf.PDFDocument.create();
  doc.setTitle(`Invoice ${invoice.invoice_number}`);
  doc.setCreator('igny8');
  doc.setCreationDate(new Date(invoice.created_at));
  const font = await doc.embedFont(pdf.StandardFonts.Helvetica);
  const bold = await doc.embedFont(pdf.StandardFonts.HelveticaBold);
  const w = new Writer(doc, font, bold, pdf.rgb(0.4, 0.4, 0.4));
  const right = A4[0] - MARGIN;

  w.text('INVOICE', MARGIN, { size: 20, bold: true });
  w.text(invoice.invoice_number, right, { size: 12, bold: true, right: true });
  w.line(20);
  w.text(`Status: ${invoice.status.toUpperCase()}`, right, { right: true });
  w.line(24);

  const seller = parties.seller.length > 0 ? parties.seller : ['igny8'];
  const rows = Math.max(seller.length, parties.buyer.length) + 1;
  const column = MARGIN + 260;
  for (let i = 0; i < rows; i++) {
    if (i === 0) {
      w.text('From', MARGIN, { bold: true });
      w.text('Bill to', column, { bold: true });
    } else {
      if (seller[i - 1]) w.text(seller[i - 1], MARGIN);
      if (parties.buyer[i - 1]) w.text(parties.buyer[i - 1], column);
    }
    w.line();
  }
  w.line(10);
  const facts: [string, string][] = [
    ['Invoice date', invoice.invoice_date],
    ['Due date', invoice.due_date ?? '-'],
    ['Currency', invoice.currency],
  ];
  if (invoice.paid_at) facts.push(['Paid on', new Date(invoice.paid_at).toISOString().slice(0, 10)]);
  if (invoice.payment_method) facts.push(['Payment method', invoice.payment_method]);
  for (const [label, value] of facts) {
    w.text(label, MARGIN, { bold: true });
    w.text(value, MARGIN + 110);
    w.line();
  }
  w.line(16);

  const qtyX = MARGIN + 300;
  const unitX = MARGIN + 400;
  w.text('Description', MARGIN, { bold: true });
  w.text('Qty', qtyX, { bold: true, right: true });
  w.text('Unit price', unitX, { bold: true, right: true });
  w.text('Amount', right, { bold: true, right: true });
  w.line(8);
  w.rule();
  for (const item of invoice.line_items) {
    const lines = w.wrap(item.description, 260);
    w.text(lines[0], MARGIN);
    w.text(String(item.quantity), qtyX, { right: true });
    w.text(item.unit_price, unitX, { right: true });
    w.text(item.amount, right, { right: true });
    for (const more of lines.slice(1)) {
      w.line();
      w.text(more, MARGIN);
    }
    if (item.credits > 0) {
      w.line(12);
      w.text(`${item.credits} credits`, MARGIN, { size: 8 });
    }
    w.line(16);
  }
  w.rule();
  for (const [label, value, strong] of [
    ['Subtotal', invoice.subtotal, false],
    ['Tax', invoice.tax, false],
    ['Total', `${invoice.total} ${invoice.currency}`, true],
  ] as const) {
    w.text(label, unitX, { bold: strong, right: true });
    w.text(value, right, { bold: strong, right: true });
    w.line();
  }
  return doc.save();
}
