import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatKes, parseKesToCents, splitVat } from '../../domain/money';
import { formatKenyanPhone, normalizeKenyanPhone } from '../../domain/phone';

test('VAT is taken out of a VAT-inclusive price once, and the parts add up to the total', () => {
  assert.deepEqual(splitVat(150_000, 1600), { subtotalCents: 129_310, vatCents: 20_690, totalCents: 150_000 });
  assert.deepEqual(splitVat(1_000, 1600), { subtotalCents: 862, vatCents: 138, totalCents: 1_000 });
  assert.deepEqual(splitVat(0, 1600), { subtotalCents: 0, vatCents: 0, totalCents: 0 });
  assert.deepEqual(splitVat(5_000, 0), { subtotalCents: 5_000, vatCents: 0, totalCents: 5_000 });
  for (let total = 1; total < 20_000; total += 37) {
    const s = splitVat(total, 1600);
    assert.equal(s.subtotalCents + s.vatCents, total);
  }
  assert.throws(() => splitVat(10.5, 1600), RangeError);
});

test('shillings typed by people become cents; anything else is refused', () => {
  assert.equal(parseKesToCents('1,500'), 150_000);
  assert.equal(parseKesToCents('KES 2,500.50'), 250_050);
  assert.equal(parseKesToCents('10'), 1_000);
  for (const bad of ['', 'abc', '-5', '1.234', '1e5']) assert.equal(parseKesToCents(bad), undefined, bad);
  assert.equal(formatKes(150_000), 'KES 1,500');
  assert.equal(formatKes(250_050), 'KES 2,500.50');
  assert.equal(formatKes(-5_000), 'KES -50');
});

test('Kenyan numbers in every common form normalise to 2547…/2541…', () => {
  for (const input of ['0712345678', '712345678', '+254712345678', '254712345678', '0712 345 678', '0712-345-678']) {
    assert.equal(normalizeKenyanPhone(input), '254712345678', input);
  }
  assert.equal(normalizeKenyanPhone('0110345678'), '254110345678');
  for (const bad of ['0812345678', '07123', '+255712345678', 'phone']) assert.equal(normalizeKenyanPhone(bad), undefined, bad);
  assert.equal(formatKenyanPhone('254712345678'), '0712 345 678');
});
