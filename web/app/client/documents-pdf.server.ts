import PDFDocument from 'pdfkit';
import type { Customer } from '../../../db/queries/customers';
import type { PortalInvoice, PortalPayment } from '../../../db/queries/portal';
import type { Tenant } from '../../../db/queries/tenants';
import { formatKes } from '../../../domain/money';
import { nairobiDate, nairobiDateTime } from './format';
import { t, type Lang, type MessageKey } from './i18n';

/**
 * Branded A4 invoices and receipts with pdfkit (the PDF's standard Helvetica: no font files to ship). The
 * brand band carries the ISP's colour and name; `logo_url` is a remote address the server does not fetch
 * while rendering, so the band shows the ISP's initials instead.
 */
const A4 = { width: 595.28, height: 841.89 };
const M = 48;
const METHOD: Record<string, string> = { mpesa_stk: 'M-Pesa', mpesa_c2b: 'M-Pesa Paybill', cash: 'Cash', bank: 'Bank', cheque: 'Cheque', voucher: 'Voucher', wallet: 'Wallet' };

type Doc = PDFKit.PDFDocument;

function render(draw: (doc: Doc) => void, info: { title: string; author: string }): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: M, info: { Title: info.title, Author: info.author } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  draw(doc);
  doc.end();
  return done;
}

function brandBand(doc: Doc, tenant: Tenant, title: string): void {
  const initials = tenant.name.split(/\s+/).slice(0, 2).map((w) => w[0]?.toUpperCase() ?? '').join('');
  doc.rect(0, 0, A4.width, 96).fill(tenant.brandColor);
  doc.circle(M + 22, 48, 22).fill('#ffffff');
  doc.fillColor(tenant.brandColor).font('Helvetica-Bold').fontSize(16).text(initials, M, 40, { width: 44, align: 'center' });
  doc.fillColor('#ffffff').fontSize(18).text(tenant.name, M + 56, 30, { width: 300 });
  const sub = [tenant.kraPin ? `KRA PIN ${tenant.kraPin}` : null, tenant.paybill ? `Paybill ${tenant.paybill}` : null].filter(Boolean).join(' · ');
  doc.font('Helvetica').fontSize(10).text(sub, M + 56, 54, { width: 300 });
  doc.font('Helvetica-Bold').fontSize(16).text(title, A4.width - M - 200, 38, { width: 200, align: 'right' });
  doc.fillColor('#111111');
}

function facts(doc: Doc, y: number, rows: [string, string][], x = A4.width - M - 270): number {
  for (const [label, value] of rows) {
    doc.font('Helvetica').fontSize(10).fillColor('#555555').text(label, x, y, { width: 90 });
    doc.font('Helvetica-Bold').fillColor('#111111').text(value, x + 90, y, { width: 180, align: 'right' });
    y += 16;
  }
  return y;
}

function party(doc: Doc, y: number, heading: string, customer: Customer, lang: Lang): void {
  doc.font('Helvetica').fontSize(10).fillColor('#555555').text(heading, M, y);
  doc.font('Helvetica-Bold').fontSize(12).fillColor('#111111').text(`${customer.firstName} ${customer.lastName}`, M, y + 14);
  const lines = [`${t(lang, 'pdf.account')} ${customer.accountNumber}`, `0${customer.phone.slice(3)}`, customer.kraPin ? `${t(lang, 'pdf.kraPin')} ${customer.kraPin}` : null, customer.address];
  doc.font('Helvetica').fontSize(10).text(lines.filter(Boolean).join('\n'), M, y + 30, { width: 220 });
}

function money(doc: Doc, y: number, label: string, value: string, bold = false): number {
  const x = A4.width - M - 260;
  doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(bold ? 12 : 10).fillColor('#111111');
  doc.text(label, x, y, { width: 150 });
  doc.text(value, x + 150, y, { width: 110, align: 'right' });
  return y + (bold ? 20 : 16);
}

export function invoicePdf(p: { tenant: Tenant; customer: Customer; invoice: PortalInvoice & { lines: { description: string; quantity: number; amountCents: number }[]; payments: PortalPayment[] }; lang: Lang }): Promise<Buffer> {
  const { tenant, customer, invoice, lang } = p;
  const L = (k: MessageKey, v?: Record<string, string | number>) => t(lang, k, v);
  return render(
    (doc) => {
      brandBand(doc, tenant, L('pdf.invoice'));
      facts(doc, 120, [
        [L('inv.number'), invoice.number],
        [L('pdf.issued'), nairobiDate(invoice.issuedAt, lang)],
        [L('pdf.due'), nairobiDate(invoice.dueAt, lang)],
        ...(invoice.periodStart && invoice.periodEnd ? ([[L('pdf.period'), `${nairobiDate(invoice.periodStart, lang)} – ${nairobiDate(invoice.periodEnd, lang)}`]] as [string, string][]) : []),
        [L('inv.status'), L(invoice.status === 'paid' ? 'inv.paid' : 'inv.open')],
      ]);
      party(doc, 120, L('pdf.billTo'), customer, lang);

      let y = 230;
      doc.rect(M, y, A4.width - 2 * M, 22).fill('#f1f3f2');
      doc.fillColor('#111111').font('Helvetica-Bold').fontSize(10);
      doc.text(L('pdf.description'), M + 8, y + 6, { width: 300 });
      doc.text(L('pdf.qty'), M + 320, y + 6, { width: 40, align: 'right' });
      doc.text(L('inv.amount'), A4.width - M - 128, y + 6, { width: 120, align: 'right' });
      y += 30;
      doc.font('Helvetica').fontSize(10);
      for (const line of invoice.lines) {
        doc.text(line.description, M + 8, y, { width: 300 });
        doc.text(String(line.quantity), M + 320, y, { width: 40, align: 'right' });
        doc.text(formatKes(line.amountCents), A4.width - M - 128, y, { width: 120, align: 'right' });
        y += Math.max(18, doc.heightOfString(line.description, { width: 300 }) + 6);
      }
      doc.moveTo(M, y).lineTo(A4.width - M, y).strokeColor('#cccccc').stroke();
      y += 10;
      y = money(doc, y, L('pdf.subtotal'), formatKes(invoice.subtotalCents));
      y = money(doc, y, L('pdf.vat', { rate: invoice.vatRateBp / 100 }), formatKes(invoice.vatCents));
      y = money(doc, y, L('pdf.total'), formatKes(invoice.totalCents), true);
      y = money(doc, y, L('pdf.paid'), formatKes(invoice.paidCents));
      y = money(doc, y, L('pdf.balance'), formatKes(Math.max(0, invoice.totalCents - invoice.paidCents)), true);

      if (invoice.payments.length > 0) {
        y += 16;
        doc.font('Helvetica-Bold').fontSize(11).text(L('pdf.payments'), M, y);
        y += 18;
        doc.font('Helvetica').fontSize(10);
        for (const pay of invoice.payments) {
          const parts = [nairobiDateTime(pay.receivedAt, lang), METHOD[pay.method] ?? pay.method, pay.externalRef ? `${L('inv.mpesa')} ${pay.externalRef}` : null, pay.receiptNumber, formatKes(pay.amountCents)];
          doc.text(parts.filter(Boolean).join(' · '), M, y, { width: A4.width - 2 * M });
          y += 16;
        }
      }
      footer(doc, tenant, customer, lang);
    },
    { title: `${tenant.name} ${invoice.number}`, author: tenant.name },
  );
}

export function receiptPdf(p: { tenant: Tenant; customer: Customer; payment: PortalPayment & { invoices: { number: string; amountCents: number }[] }; lang: Lang }): Promise<Buffer> {
  const { tenant, customer, payment, lang } = p;
  const L = (k: MessageKey, v?: Record<string, string | number>) => t(lang, k, v);
  return render(
    (doc) => {
      brandBand(doc, tenant, L('pdf.receipt'));
      facts(doc, 120, [
        [L('inv.receipt'), payment.receiptNumber ?? '—'],
        [L('inv.date'), nairobiDateTime(payment.receivedAt, lang)],
        [L('pdf.method'), METHOD[payment.method] ?? payment.method],
        ...(payment.externalRef ? ([[L('inv.mpesa'), payment.externalRef]] as [string, string][]) : []),
      ]);
      party(doc, 120, L('pdf.receivedFrom'), customer, lang);
      let y = 240;
      y = money(doc, y, L('inv.amount'), formatKes(payment.amountCents), true);
      if (payment.invoices.length > 0) {
        y += 10;
        doc.font('Helvetica-Bold').fontSize(11).text(L('pdf.appliedTo'), M, y);
        y += 18;
        for (const inv of payment.invoices) y = money(doc, y, inv.number, formatKes(inv.amountCents));
      }
      doc.font('Helvetica').fontSize(11).text(L('pdf.thanks'), M, y + 20);
      footer(doc, tenant, customer, lang);
    },
    { title: `${tenant.name} ${payment.receiptNumber ?? 'receipt'}`, author: tenant.name },
  );
}

function footer(doc: Doc, tenant: Tenant, customer: Customer, lang: Lang): void {
  if (!tenant.paybill) return;
  doc.font('Helvetica').fontSize(9).fillColor('#555555').text(t(lang, 'pdf.howToPay', { paybill: tenant.paybill, account: customer.accountNumber }), M, A4.height - M - 20, { width: A4.width - 2 * M, align: 'center' });
}
