/** The 公示 notice: one printable A4 page of a decision or a satisfaction result, with room for the seal. */
import type PDFKit from 'pdfkit';
import { lazy } from './lazy.js';

const pdfkit = lazy<typeof PDFKit>('pdfkit');
import { CJK_PDF_FACE, cjkFontFile } from './fonts.js';

export interface NoticeData {
  heading: string;
  title: string;
  lines: string[];
  /** "label count" rows of the result table. */
  counts: { label: string; count: number }[];
  outcome: string;
  /** The community and the date, bottom right, above the seal's space. */
  signature: string[];
  sealHint: string;
}

/** Draws the notice; a missing CJK font draws with the PDF's built-in font (CJK characters will not show). */
export function noticePdf(d: NoticeData): Promise<Buffer> {
  const doc = new (pdfkit())({ size: 'A4', margin: 64, info: { Title: d.heading, Subject: d.title } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const font = cjkFontFile();
  if (font) {
    doc.registerFont('cjk', font, CJK_PDF_FACE);
    doc.font('cjk');
  }
  const width = doc.page.width - 128;
  doc.fontSize(26).text(d.heading, { align: 'center', characterSpacing: 8 });
  doc.moveDown(0.8);
  doc.fontSize(15).text(d.title, { align: 'left', width });
  doc.moveDown(0.8);
  doc.fontSize(12);
  for (const line of d.lines) doc.text(line, { width }).moveDown(0.3);
  doc.moveDown(0.6);
  // The result table: one row per choice.
  const left = 64;
  let y = doc.y;
  const rowH = 26;
  doc.lineWidth(0.8);
  for (const row of d.counts) {
    doc.rect(left, y, width, rowH).stroke();
    doc.text(row.label, left + 12, y + 7, { width: width / 2 });
    doc.text(String(row.count), left + width / 2, y + 7, { width: width / 2 - 12, align: 'right' });
    y += rowH;
  }
  doc.x = left;
  doc.y = y + 16;
  doc.fontSize(14).text(d.outcome, { width });
  // Signature block and the seal's circle, bottom right.
  const sigY = doc.page.height - 64 - 170;
  doc.fontSize(12);
  d.signature.forEach((line, i) => doc.text(line, left, sigY + i * 20, { width, align: 'right' }));
  const cx = left + width - 70;
  const cy = sigY + 100;
  doc.save().dash(3, { space: 3 }).circle(cx, cy, 50).stroke('#999999').restore();
  doc.fillColor('#999999').fontSize(9).text(d.sealHint, cx - 45, cy - 5, { width: 90, align: 'center' });
  doc.end();
  return done;
}
