import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeLength, encodeLength, encodeSentence, encodeWord, SentenceDecoder, WireError } from '../../simulators/routeros/wire';

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

test('length prefixes match the manual at every encoding boundary (facts §3.1)', () => {
  const vectors: [number, string][] = [
    [0, '00'],
    [0x7f, '7f'],
    [0x80, '8080'],
    [0x3fff, 'bfff'],
    [0x4000, 'c04000'],
    [0x1fffff, 'dfffff'],
    [0x200000, 'e0200000'],
    [0xfffffff, 'efffffff'],
    [0x10000000, 'f010000000'],
    [0xffffffff, 'f0ffffffff'],
  ];
  for (const [length, bytes] of vectors) {
    assert.equal(encodeLength(length).toString('hex'), bytes, `encode 0x${length.toString(16)}`);
    assert.deepEqual(decodeLength(hex(bytes)), { length, size: bytes.length / 2 }, `decode 0x${length.toString(16)}`);
  }
});

test('words round-trip on both sides of each boundary, whatever the bytes', () => {
  for (const length of [1, 0x7f, 0x80, 0x3fff, 0x4000, 0x1fffff, 0x200000]) {
    const word = Buffer.alloc(length, 0xe9).toString('latin1');
    const [sentence] = new SentenceDecoder().push(encodeSentence([word, '/x']));
    assert.equal(sentence?.[0]?.length, length, `length 0x${length.toString(16)}`);
    assert.equal(sentence?.[0], word);
  }
});

test('the sentence vectors from the facts encode byte for byte', () => {
  assert.deepEqual(encodeSentence(['/system/identity/print', '.tag=t1']), hex('16 2f 73 79 73 74 65 6d 2f 69 64 65 6e 74 69 74 79 2f 70 72 69 6e 74 07 2e 74 61 67 3d 74 31 00'));
  assert.deepEqual(encodeSentence(['!re', '=name=MikroTik', '.tag=t1']), hex('03 21 72 65 0e 3d 6e 61 6d 65 3d 4d 69 6b 72 6f 54 69 6b 07 2e 74 61 67 3d 74 31 00'));
  assert.deepEqual(encodeSentence(['!done', '.tag=t1']), hex('05 21 64 6f 6e 65 07 2e 74 61 67 3d 74 31 00'));
});

test('a sentence fed one byte at a time decodes once, when its last byte arrives', () => {
  const long = 'x'.repeat(0x4000);
  const bytes = Buffer.concat([encodeSentence(['/ppp/secret/add', '=name=alice', `=comment=${long}`, '.tag=7']), encodeSentence(['/quit'])]);
  const decoder = new SentenceDecoder();
  const seen: string[][] = [];
  for (let i = 0; i < bytes.length; i++) {
    const sentences = decoder.push(bytes.subarray(i, i + 1));
    if (i < bytes.length - 8) assert.equal(sentences.length, 0);
    seen.push(...sentences);
  }
  assert.deepEqual(seen, [['/ppp/secret/add', '=name=alice', `=comment=${long}`, '.tag=7'], ['/quit']]);
});

test('several sentences in one chunk, an empty sentence, and a cut inside a length prefix', () => {
  const decoder = new SentenceDecoder();
  const bytes = Buffer.concat([encodeSentence(['!re', '=a=1']), Buffer.from([0]), encodeSentence(['!done'])]);
  assert.deepEqual(decoder.push(bytes), [['!re', '=a=1'], [], ['!done']]);
  const word = encodeWord('y'.repeat(0x200));
  assert.deepEqual(decoder.push(word.subarray(0, 1)), []);
  assert.deepEqual(decoder.push(Buffer.concat([word.subarray(1), Buffer.from([0])])), [['y'.repeat(0x200)]]);
});

test('a reserved control byte (0xF8 and above) cannot be framed', () => {
  assert.throws(() => new SentenceDecoder().push(Buffer.from([0xf8, 0x01])), WireError);
  assert.throws(() => encodeLength(-1), WireError);
});
