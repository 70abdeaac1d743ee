import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createSmsActivities } from '../../activities/sms/activities';
import { createAfricasTalkingGateway } from '../../activities/sms/africastalking';
import { DEFAULT_TEMPLATES, renderTemplate, TEMPLATE_VARIABLES } from '../../activities/sms/templates';
import { demoEmail } from '../../db/seed';
import { SIM_API_KEY, SIM_USERNAME } from '../../simulators/africastalking/defaults';
import { startAfricasTalkingSimulator, type AfricasTalkingSimulator } from '../../simulators/africastalking/server';
import { startBackOffice, Visitor, type BackOffice } from '../support/backoffice';
import { runActivity } from '../sms/support';

let office: BackOffice;
let sim: AfricasTalkingSimulator;
before(async () => {
  office = await startBackOffice();
  sim = await startAfricasTalkingSimulator({ dlrUrl: null });
});
after(async () => {
  await sim?.stop();
  await office?.close();
});

const prefs = async (phone: string) =>
  (await office.db.sql<{ id: string; language: string; optOut: boolean; optOutAt: Date | null }[]>`
    select id, language, marketing_opt_out as "optOut", marketing_opt_out_at as "optOutAt" from customers where tenant_id = ${office.tenantId} and phone = ${phone}`)[0];

const fields = { firstName: 'Neema', lastName: 'Wambui', phone: '0733 444 551', status: 'active' };

test('the customer form saves language and marketing opt-out; the Swahili customer gets Swahili SMS', async () => {
  const visitor = new Visitor(office.app);
  await visitor.signIn(demoEmail('admin'));
  const form = await visitor.get('/dashboard/customers/new');
  assert.match(form.body, /name="language"/);
  assert.match(form.body, /name="marketingOptOut"/);

  const bad = await visitor.submit('/dashboard/customers/new', { ...fields, language: 'fr' });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /Language must be en \(English\) or sw \(Kiswahili\)/);

  const created = await visitor.submit('/dashboard/customers/new', { ...fields, language: 'sw', marketingOptOut: 'on' });
  assert.equal(created.statusCode, 302);
  const saved = (await prefs('254733444551'))!;
  assert.equal(saved.language, 'sw');
  assert.equal(saved.optOut, true);
  assert.ok(saved.optOutAt, 'when they opted out is recorded');

  const edit = await visitor.get(`/dashboard/customers/${saved.id}/edit`);
  assert.match(edit.body, /<option value="sw" selected="">Kiswahili<\/option>/);
  assert.match(edit.body, /name="marketingOptOut" type="checkbox" checked=""/);

  // A transactional message follows the language chosen on the form.
  const acts = createSmsActivities({ sql: office.db.sql, gateway: createAfricasTalkingGateway({ username: SIM_USERNAME, apiKey: SIM_API_KEY, baseUrl: sim.url }) });
  const params = { name: 'Neema', package: '10 Mbps', expiry: '1 Jan 2027' };
  const sent = await runActivity(acts.notify, { tenantId: office.tenantId, customerId: saved.id, template: 'reconnected', params, idempotencyKey: `form-sw:${saved.id}` });
  assert.equal(sent.value?.outcome, 'sent');
  const swahili = renderTemplate(DEFAULT_TEMPLATES.reconnected.sw, params, TEMPLATE_VARIABLES.reconnected);
  assert.deepEqual(sim.messages().filter((m) => m.number === '+254733444551').map((m) => m.text), [swahili]);

  // Unticking the box opts back in (and clears the date); English again.
  const { firstName, lastName, phone, status } = fields;
  const saved2 = await visitor.submit(`/dashboard/customers/${saved.id}/edit`, { firstName, lastName, phone, status, language: 'en' });
  assert.equal(saved2.statusCode, 302);
  const after2 = (await prefs('254733444551'))!;
  assert.deepEqual([after2.language, after2.optOut, after2.optOutAt], ['en', false, null]);
  const detail = await visitor.get(`/dashboard/customers/${saved.id}`);
  assert.match(detail.body, /Language, Marketing opt-out/, 'the history names what changed');
});

test('import reads optional language and marketing_opt_out columns, and refuses a bad value by row', async () => {
  const visitor = new Visitor(office.app);
  const signIn = await visitor.signIn(demoEmail('sales'));
  const cookie = String(signIn.headers['set-cookie']).split(';')[0]!;
  const page = await visitor.get('/dashboard/customers/import');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const csv = [
    'first_name,last_name,phone,Language,Marketing opt-out',
    'Amani,Kiprop,0733 444 561,sw,yes',
    'Baraka,Njoroge,0733 444 562,English,',
    'Chebet,Rotich,0733 444 563,,no',
    'Dalmas,Ouma,0733 444 564,fr,maybe',
  ].join('\n');
  const form = new FormData();
  form.append('_csrf', csrf);
  form.append('intent', 'upload');
  form.append('file', new Blob([csv], { type: 'text/csv' }), 'prefs.csv');
  const res = await office.app.inject({ method: 'POST', url: '/dashboard/customers/import', headers: { cookie }, payload: form });
  assert.equal(res.statusCode, 302, res.body);
  const previewPath = String(res.headers.location);
  const preview = (await visitor.get(previewPath)).body;
  assert.match(preview, /Language must be en \(English\) or sw \(Kiswahili\)/);
  assert.match(preview, /Marketing opt-out must be yes or no/);
  const id = new URL(previewPath, 'http://x').searchParams.get('id')!;
  assert.equal((await visitor.post('/dashboard/customers/import', { _csrf: csrf, id, intent: 'import' })).statusCode, 302);

  const rows = await Promise.all(['254733444561', '254733444562', '254733444563', '254733444564'].map(prefs));
  assert.deepEqual(rows.map((r) => r && [r.language, r.optOut, r.optOutAt !== null]), [['sw', true, true], ['en', false, false], ['en', false, false], undefined]);
});
