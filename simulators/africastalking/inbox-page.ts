import type { FastifyInstance } from 'fastify';
import type { SimMessage, SimulatorCore } from './core';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function bubble(m: SimMessage): string {
  const delivery = m.deliveryStatus ? `${m.deliveryStatus}${m.failureReason ? ` (${m.failureReason})` : ''}` : `not sent: ${m.status} ${m.statusCode}`;
  return `<li class="sms${m.deliveryStatus ? '' : ' refused'}" data-message-id="${escapeHtml(m.messageId)}"><p class="from">${escapeHtml(m.from ?? 'AFRICASTKNG')}</p>` +
    `<p class="text">${escapeHtml(m.text).replace(/\n/g, '<br>')}</p><p class="meta">${escapeHtml(m.at.slice(0, 19).replace('T', ' '))} UTC · ${escapeHtml(delivery)}</p></li>`;
}

/**
 * `/_sim/inbox`: every message as the phones received it, one card per number (most recent number first,
 * newest message first), with the delivery state. `?number=+2547…` shows one phone. Refreshes itself.
 */
export function registerInboxPage(app: FastifyInstance, core: SimulatorCore): void {
  app.get('/_sim/inbox', async (request, reply) => {
    const { number } = request.query as { number?: string };
    const phones = new Map<string, SimMessage[]>();
    for (const m of [...core.messages].reverse()) {
      if (number && m.number !== number) continue;
      phones.set(m.number, [...(phones.get(m.number) ?? []), m]);
    }
    const cards = [...phones]
      .map(([n, list]) => `<section class="phone" data-number="${escapeHtml(n)}"><h2>${escapeHtml(n)} <small>${list.length} message${list.length === 1 ? '' : 's'}</small></h2><ul>${list.map(bubble).join('')}</ul></section>`)
      .join('');
    const html = `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="3">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>SMS inbox (Africa's Talking simulator)</title>
<style>body{font-family:sans-serif;max-width:40rem;margin:1rem auto;padding:0 1rem}section.phone{border:1px solid #999;border-radius:12px;padding:.5rem 1rem;margin:1rem 0}
ul{padding:0}li.sms{list-style:none;background:#e9f5ee;border-radius:10px;padding:.4rem .7rem;margin:.4rem 0}li.refused{background:#fbe9e9}
.from{font-weight:bold;margin:0}.text{margin:.2rem 0}.meta{color:#666;font-size:.75rem;margin:0}</style></head><body>
<h1>SMS inbox</h1><p>${core.messages.length} message(s) to ${phones.size} phone(s) · balance KES ${core.settings.balanceKes.toFixed(2)}</p>
${cards || '<p>No messages yet.</p>'}</body></html>`;
    return reply.type('text/html; charset=utf-8').send(html);
  });
}
