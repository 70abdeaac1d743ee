import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_TEMPLATES, renderTemplate, TEMPLATE_KEYS, TEMPLATE_VARIABLES, TemplateError, templateProblems } from '../../activities/sms/templates';
import { smsSize } from '../../domain/sms';

test('every default template renders in English and Swahili with its variables, and uses no others', () => {
  for (const key of TEMPLATE_KEYS) {
    const params = Object.fromEntries(TEMPLATE_VARIABLES[key].map((v) => [v, `<${v}>`]));
    for (const language of ['en', 'sw'] as const) {
      const body = DEFAULT_TEMPLATES[key][language];
      assert.deepEqual(templateProblems(body, TEMPLATE_VARIABLES[key]), [], `${key}/${language}`);
      const text = renderTemplate(body, params, TEMPLATE_VARIABLES[key]);
      assert.doesNotMatch(text, /\{\{|\}\}/, `${key}/${language} left a placeholder`);
    }
  }
});

test('the Swahili expiry reminder renders with the customer data', () => {
  const text = renderTemplate(DEFAULT_TEMPLATES.expiry_reminder.sw, { name: 'Wanjiru', package: '10 Mbps', days: 3, expiry: '24 Nov 2026', amount: '2,500', paybill: '174379', account: 'MT00042' }, TEMPLATE_VARIABLES.expiry_reminder);
  assert.equal(text, 'Mpendwa Wanjiru, intaneti yako ya 10 Mbps itaisha baada ya siku 3 tarehe 24 Nov 2026. Lipa KES 2,500 kwa Paybill 174379, akaunti MT00042 ili uendelee kuunganishwa.');
  assert.equal(smsSize(text).encoding, 'GSM-7');
});

test('an unknown placeholder is refused by name, and a missing value is refused at render', () => {
  assert.deepEqual(templateProblems('Hi {{name}}, pay {{amout}}', TEMPLATE_VARIABLES.suspended), [
    'unknown placeholder {{amout}}; allowed: {{name}} {{amount}} {{paybill}} {{account}}',
  ]);
  assert.throws(() => renderTemplate('Hi {{ nme }}', { name: 'A' }, ['name']), (err: unknown) => err instanceof TemplateError && /\{\{nme\}\}/.test(err.message));
  assert.throws(() => renderTemplate('Hi {{name}}', {}, ['name']), /no value for \{\{name\}\}/);
});

test('segments: GSM-7 160/153, Unicode 70/67, extension characters count twice', () => {
  assert.deepEqual(smsSize('a'.repeat(160)), { encoding: 'GSM-7', units: 160, segments: 1, remaining: 0 });
  assert.equal(smsSize('a'.repeat(161)).segments, 2);
  assert.equal(smsSize('€'.repeat(80)).units, 160);
  assert.deepEqual(smsSize('Habari 😀'), { encoding: 'UCS-2', units: 9, segments: 1, remaining: 61 });
  assert.equal(smsSize('ü'.repeat(70)).encoding, 'GSM-7');
  assert.equal(smsSize('ŵ'.repeat(71)).segments, 2);
});
