import type { FastifyInstance } from 'fastify';
import { isStkOutcome, type StkOutcome } from './outcomes';
import type { SimulatorCore } from './simulator-core';
import type { StkTransaction } from './stk';

const BUTTONS: [StkOutcome, string][] = [
  ['success', 'Approve (enter PIN)'],
  ['cancelled', 'Cancel'],
  ['wrong-pin', 'Wrong PIN'],
];

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function pendingCard(push: StkTransaction): string {
  const buttons = BUTTONS.map(
    ([outcome, label]) =>
      `<form method="post" action="/_sim/phone"><input type="hidden" name="checkoutRequestId" value="${escapeHtml(push.checkoutRequestId)}">` +
      `<button name="outcome" value="${outcome}">${label}</button></form>`,
  ).join('');
  return (
    `<li class="push" data-checkout-request-id="${escapeHtml(push.checkoutRequestId)}">` +
    `<p>Do you want to pay <b>KES ${push.amount}</b> to <b>${escapeHtml(push.shortcode)}</b>, account <b>${escapeHtml(push.accountReference)}</b>?</p>` +
    `<p class="meta">${escapeHtml(push.phone)} · ${escapeHtml(push.checkoutRequestId)}</p>${buttons}</li>`
  );
}

function endedRow(push: StkTransaction): string {
  return `<li>${escapeHtml(push.phone)} KES ${push.amount} ${escapeHtml(push.accountReference)}: ${push.resultCode} ${escapeHtml(push.resultDesc ?? '')}${
    push.receipt ? ` (${push.receipt})` : ''
  }</li>`;
}

/**
 * `/_sim/phone`: the customer's handset, for demos. Lists STK prompts still waiting (in manual mode all of
 * them wait here) with the buttons a customer has, and the last few results. Refreshes itself.
 */
export function registerPhonePage(app: FastifyInstance, core: SimulatorCore): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  app.get('/_sim/phone', async (request, reply) => {
    const pushes = core.stk.list().reverse();
    const pending = pushes.filter((p) => p.status === 'pending');
    const ended = pushes.filter((p) => p.status === 'completed').slice(0, 10);
    const { message } = request.query as { message?: string };
    const html = `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="2">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>M-Pesa phone (simulator)</title>
<style>body{font-family:sans-serif;max-width:28rem;margin:1rem auto;padding:0 1rem}li.push{border:1px solid #3a3;border-radius:8px;padding:.5rem;margin:.5rem 0;list-style:none}
form{display:inline}button{margin:.25rem}.meta{color:#666;font-size:.8rem}</style></head><body>
<h1>M-Pesa phone</h1><p>Mode: ${core.settings.manual ? 'manual (every push waits here)' : `automatic (answers after ${core.settings.callbackDelayMs} ms)`}</p>
${message ? `<p role="status">${escapeHtml(message)}</p>` : ''}
<h2>Waiting for the customer</h2>${pending.length ? `<ul>${pending.map(pendingCard).join('')}</ul>` : '<p>No prompts on any phone.</p>'}
<h2>Recent results</h2>${ended.length ? `<ul>${ended.map(endedRow).join('')}</ul>` : '<p>None yet.</p>'}
</body></html>`;
    return reply.type('text/html; charset=utf-8').send(html);
  });

  app.post('/_sim/phone', async (request, reply) => {
    const { checkoutRequestId, outcome } = (request.body ?? {}) as { checkoutRequestId?: string; outcome?: string };
    let message: string;
    if (!checkoutRequestId || !isStkOutcome(outcome)) {
      message = 'Choose a prompt and an answer.';
    } else {
      try {
        const push = core.stk.decide(checkoutRequestId, outcome);
        message = `${push.checkoutRequestId}: ${push.resultDesc}`;
      } catch (err) {
        message = err instanceof Error ? err.message : String(err);
      }
    }
    return reply.redirect(`/_sim/phone?message=${encodeURIComponent(message)}`, 303);
  });
}
