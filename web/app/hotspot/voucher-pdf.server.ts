/**
 * Printable A4 voucher cards as a PDF, written by hand: text and rectangles in the PDF's built-in fonts
 * (Helvetica, Courier) need no font embedding and no library, and a 2,000-card batch stays a few hundred KB.
 * Ten cards a page (2 × 5) with cut lines.
 */
export interface VoucherCard {
  code: string;
  /** The ISP's name, the package and price, the last day to use it, the instructions. */
  heading: string;
  detail: string;
  footer: string;
}

const PAGE = { width: 595.28, height: 841.89 };
const MARGIN = 36;
const GAP = 12;
const COLUMNS = 2;
const ROWS = 5;
const CARD = { width: (PAGE.width - 2 * MARGIN - GAP * (COLUMNS - 1)) / COLUMNS, height: (PAGE.height - 2 * MARGIN - GAP * (ROWS - 1)) / ROWS };

/** PDF string literal in WinAnsi: anything outside Latin-1 becomes '?', the three special characters are escaped. */
function text(value: string): string {
  const latin1 = [...value].map((c) => (c.charCodeAt(0) <= 0xff ? c : '?')).join('');
  return `(${latin1.replace(/[\\()]/g, (c) => `\\${c}`)})`;
}

function cardOps(card: VoucherCard, x: number, y: number): string {
  const left = x + 14;
  const top = y + CARD.height;
  return [
    '0.6 w [4 3] 0 d 0.55 G',
    `${x.toFixed(2)} ${y.toFixed(2)} ${CARD.width.toFixed(2)} ${CARD.height.toFixed(2)} re S`,
    '[] 0 d 0 g',
    `BT /F2 11 Tf ${left.toFixed(2)} ${(top - 24).toFixed(2)} Td ${text(card.heading)} Tj ET`,
    `BT /F1 10 Tf ${left.toFixed(2)} ${(top - 40).toFixed(2)} Td ${text(card.detail)} Tj ET`,
    `BT /F1 8 Tf ${left.toFixed(2)} ${(top - 62).toFixed(2)} Td ${text('Voucher code')} Tj ET`,
    `BT /F3 20 Tf ${left.toFixed(2)} ${(top - 86).toFixed(2)} Td ${text(card.code)} Tj ET`,
    `BT /F1 8 Tf ${left.toFixed(2)} ${(top - 108).toFixed(2)} Td ${text(card.footer)} Tj ET`,
    `BT /F1 8 Tf ${left.toFixed(2)} ${(top - 120).toFixed(2)} Td ${text('Join the Wi-Fi, open any page, enter the code.')} Tj ET`,
  ].join('\n');
}

export function voucherCardsPdf(cards: VoucherCard[]): Buffer {
  const perPage = COLUMNS * ROWS;
  const pages: string[] = [];
  for (let start = 0; start < Math.max(cards.length, 1); start += perPage) {
    const ops = cards.slice(start, start + perPage).map((card, i) => {
      const col = i % COLUMNS;
      const row = Math.floor(i / COLUMNS);
      const x = MARGIN + col * (CARD.width + GAP);
      const y = PAGE.height - MARGIN - (row + 1) * CARD.height - row * GAP;
      return cardOps(card, x, y);
    });
    pages.push(ops.join('\n'));
  }

  // Objects: 1 catalog, 2 page tree, 3–5 fonts, then a page and its content stream per page.
  const objects: string[] = [];
  const pageIds = pages.map((_, i) => 6 + i * 2);
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[2] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages.length} >>`;
  objects[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>';
  objects[4] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>';
  objects[5] = '<< /Type /Font /Subtype /Type1 /BaseFont /Courier-Bold /Encoding /WinAnsiEncoding >>';
  pages.forEach((content, i) => {
    const pageId = pageIds[i]!;
    objects[pageId] =
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE.width} ${PAGE.height}] ` +
      `/Resources << /Font << /F1 3 0 R /F2 4 0 R /F3 5 0 R >> >> /Contents ${pageId + 1} 0 R >>`;
    objects[pageId + 1] = `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`;
  });

  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  for (let id = 1; id < objects.length; id++) {
    offsets[id] = Buffer.byteLength(out, 'latin1');
    out += `${id} 0 obj\n${objects[id]}\nendobj\n`;
  }
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
  for (let id = 1; id < objects.length; id++) out += `${String(offsets[id]).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
