import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KeyAttributeType, KeyShape } from '../../../src/model/attribute-value.js';
import { compareBinary, compareStrings } from '../../../src/model/compare.js';
import {
  decodeKey,
  decodeKeyValue,
  encodeKey,
  encodeKeyValue,
  encodePartitionKeyPart,
  encodeSortKeyPart,
  hashHex16,
  max_encoded_key_bytes,
  maxKeyValueBytes,
  maxPartitionKeyPartBytes,
  partition_key_hash_bytes,
  partitionKeyHash,
  writeKeyValue,
  writePartitionKeyHash,
  writePartitionKeyPart,
} from '../../../src/model/key-codec.js';
import { compareNumbers } from '../../../src/model/number.js';
import { randomCanonicalNumber, randomInt, seededRandom } from './random-numbers.js';

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  return bytes.length >= prefix.length && Buffer.compare(Buffer.from(bytes.subarray(0, prefix.length)), Buffer.from(prefix)) === 0;
}

function randomText(random: () => number): string {
  const pool = ['a', 'b', '\u0000', '\u0001', '\u00ff', 'é', '\uffff', '\u{1f600}', 'z'];
  let text = '';
  const length = randomInt(random, 0, 6);
  for (let i = 0; i < length; i++) text += pool[randomInt(random, 0, pool.length - 1)];
  return text;
}

function randomBinary(random: () => number): string {
  return Buffer.from(Array.from({ length: randomInt(random, 0, 6) }, () => [0, 1, 255, randomInt(random, 0, 255)][randomInt(random, 0, 3)]!)).toString('base64');
}

describe('encodeKeyValue', () => {
  test('numbers: byte order equals numeric order, and they round-trip (random)', () => {
    const random = seededRandom(41);
    const values = Array.from({ length: 3000 }, () => randomCanonicalNumber(random));
    values.push('0', '1', '-1', '1' + '0'.repeat(125), '-1' + '0'.repeat(125), '0.' + '0'.repeat(129) + '1', '-0.' + '0'.repeat(129) + '1', '99999999999999999999999999999999999999', '1.2', '1.23', '1.203', '-1.2', '-1.23', '-1.203', '10', '100', '0.1', '0.01');
    const encoded = values.map((value) => encodeKeyValue('N', value));
    for (let i = 0; i < values.length; i++) {
      assert.deepEqual(decodeKeyValue('N', encoded[i]!, 0), { value: values[i], end: encoded[i]!.length }, values[i]);
      assert.ok(encoded[i]!.length <= 22);
    }
    for (let i = 0; i < 20000; i++) {
      const a = randomInt(random, 0, values.length - 1);
      const b = randomInt(random, 0, values.length - 1);
      const expected = Math.sign(compareNumbers(values[a]!, values[b]!));
      assert.equal(Buffer.compare(Buffer.from(encoded[a]!), Buffer.from(encoded[b]!)), expected, `${values[a]} vs ${values[b]}`);
    }
  });

  test('strings and binaries: order preserved, self-delimiting, round-trip (random)', () => {
    const random = seededRandom(42);
    for (const [type, generate, compare] of [
      ['S', randomText, compareStrings],
      ['B', randomBinary, compareBinary],
    ] as const) {
      for (let i = 0; i < 5000; i++) {
        const a = generate(random);
        const b = generate(random);
        const x = encodeKeyValue(type, a);
        const y = encodeKeyValue(type, b);
        assert.equal(Buffer.compare(Buffer.from(x), Buffer.from(y)), Math.sign(compare(a, b)), JSON.stringify([a, b]));
        // Self-delimiting: decoding from a concatenation finds each value's end.
        const joined = Buffer.concat([x, y]);
        const first = decodeKeyValue(type, joined, 0);
        assert.equal(first.value, a);
        assert.equal(first.end, x.length);
        const second = decodeKeyValue(type, joined, first.end);
        assert.equal(second.value, b);
        assert.equal(second.end, joined.length);
      }
    }
  });
});

describe('partitionKeyHash', () => {
  test('16 hex digits, stable, type-tagged', () => {
    const hash = partitionKeyHash('S', 'abc');
    assert.match(hash, /^[0-9a-f]{16}$/);
    assert.equal(partitionKeyHash('S', 'abc'), hash);
    assert.notEqual(partitionKeyHash('S', '1'), partitionKeyHash('N', '1'));
    assert.notEqual(partitionKeyHash('S', 'abd'), hash);
    assert.equal(partitionKeyHash('B', Buffer.from('abc').toString('base64')).length, 16);
    assert.match(hashHex16('x'), /^[0-9a-f]{16}$/);
    assert.equal(hashHex16(''), hashHex16(''));
    assert.notEqual(hashHex16('ab'), hashHex16('ba'));
  });

  test('is pinned: stored keys and partition maps depend on these exact values', () => {
    assert.equal(partitionKeyHash('S', 'abc'), 'a479761d90b93925');
    assert.equal(partitionKeyHash('N', '1'), '407bb2077d3371b0');
    assert.equal(partitionKeyHash('B', 'AQI='), '9aeabc26281c2e54');
    assert.equal(hashHex16(''), 'ebb6c228d9aaf7d3');
  });

  test('spreads similar keys evenly over the hash space', () => {
    const buckets = new Array<number>(16).fill(0);
    const keys = 16000;
    for (let i = 0; i < keys; i++) buckets[parseInt(partitionKeyHash('S', `user#${i}`)[0]!, 16)]!++;
    for (const count of buckets) assert.ok(count > 800 && count < 1200, `bucket count ${count}`);
    const low = new Array<number>(16).fill(0);
    for (let i = 0; i < keys; i++) low[parseInt(partitionKeyHash('N', String(i))[15]!, 16)]!++;
    for (const count of low) assert.ok(count > 800 && count < 1200, `low bucket count ${count}`);
  });
});

describe('writing key parts in place (index entry keys)', () => {
  const samples: [KeyAttributeType, string][] = [
    ['S', 'abc'],
    ['S', '\u0000a\u0000'],
    ['S', '\u{1f600}é\u0000'],
    ['S', 'x'.repeat(600)],
    ['N', '0'],
    ['N', '-12.5'],
    ['N', '99999999999999999999999999999999999999'],
    ['B', 'AAEA/w=='],
    ['B', Buffer.alloc(700, 0).toString('base64')],
  ];

  test('each writer puts at its offset exactly the bytes the allocating encoder returns, within its stated room', () => {
    const random = seededRandom(44);
    for (let i = 0; i < 2000; i++) {
      const type = (['S', 'N', 'B'] as const)[randomInt(random, 0, 2)]!;
      samples.push([type, type === 'S' ? randomText(random) || 'k' : type === 'N' ? randomCanonicalNumber(random) : randomBinary(random) || 'AA==']);
    }
    for (const [type, value] of samples) {
      const at = 5;
      const out = Buffer.alloc(at + maxKeyValueBytes(type, value), 0xee);
      const end = writeKeyValue(type, value, out, at);
      assert.deepEqual(out.subarray(at, end), Buffer.from(encodeKeyValue(type, value)), `${type} ${value}`);
      assert.ok(out.subarray(0, at).every((byte) => byte === 0xee), 'nothing written before the offset');

      const part = Buffer.alloc(at + maxPartitionKeyPartBytes(value), 0xee);
      const partEnd = writePartitionKeyPart(type, value, part, at);
      assert.deepEqual(part.subarray(at, partEnd), Buffer.from(encodePartitionKeyPart(type, value)), `${type} ${value}`);

      const hash = new Uint8Array(at + partition_key_hash_bytes);
      writePartitionKeyHash(type, value, hash, at);
      assert.equal(Buffer.from(hash.subarray(at)).toString('hex'), partitionKeyHash(type, value));
    }
  });
});

describe('key value bytes as written (short ASCII values are copied by a loop, the rest by Buffer#write)', () => {
  test('S and N values hold exactly their UTF-8 bytes, whether ASCII, mixed or long, at the 64-character boundary too', () => {
    const values = ['', 'a', 'order-17', '\u007f', 'abc\u0080', 'abcé', '\u{1f600}', 'x'.repeat(63) + 'é', 'a'.repeat(64), 'a'.repeat(65), 'é'.repeat(64), `${'a'.repeat(40)}\ud800`];
    for (const value of values) {
      const utf8 = Buffer.from(value, 'utf8');
      const escaped = Buffer.concat([Buffer.from([...utf8].flatMap((byte) => (byte === 0 ? [0, 0xff] : [byte]))), Buffer.of(0, 1)]);
      assert.deepEqual(Buffer.from(encodeKeyValue('S', value)), escaped, JSON.stringify(value));
      assert.deepEqual(Buffer.from(encodeSortKeyPart('S', value)), utf8, JSON.stringify(value));
      const part = Buffer.from(encodePartitionKeyPart('S', value || 'k'));
      assert.deepEqual(part.subarray(3), Buffer.from(value || 'k', 'utf8'), JSON.stringify(value));
      assert.equal(part.readUInt16BE(1), Buffer.byteLength(value || 'k'));
      const key = encodeKey({ hashName: 'h', hashType: 'S', rangeName: 'r', rangeType: 'S' }, { h: { S: value || 'k' }, r: { S: value } });
      assert.deepEqual(Buffer.from(key.bytes), Buffer.concat([part, utf8]), JSON.stringify(value));
    }
    for (const number of ['0', '-12.5', '1E+5', '123456789012345678901234567890123456789'.slice(0, 38)]) {
      const part = Buffer.from(encodePartitionKeyPart('N', number));
      assert.deepEqual(part.subarray(3), Buffer.from(number, 'latin1'), number);
    }
  });
});

describe('encodeKey and decodeKey', () => {
  const shapes: KeyShape[] = [
    { hashName: 'pk', hashType: 'S' },
    { hashName: 'pk', hashType: 'N', rangeName: 'sk', rangeType: 'S' },
    { hashName: 'pk', hashType: 'B', rangeName: 'sk', rangeType: 'N' },
    { hashName: 'pk', hashType: 'S', rangeName: 'sk', rangeType: 'B' },
  ];

  function randomValue(random: () => number, type: KeyAttributeType): string {
    switch (type) {
      case 'S': return randomText(random) || 'k';
      case 'N': return randomCanonicalNumber(random);
      case 'B': return randomBinary(random) || 'AA==';
    }
  }

  test('round-trips, carries the hash, groups by partition key and orders by sort key (random)', () => {
    const random = seededRandom(43);
    for (const shape of shapes) {
      const pks = Array.from({ length: 6 }, () => randomValue(random, shape.hashType));
      for (let i = 0; i < 2000; i++) {
        const pkA = pks[randomInt(random, 0, pks.length - 1)]!;
        const pkB = random() < 0.5 ? pkA : pks[randomInt(random, 0, pks.length - 1)]!;
        const keyA: Record<string, any> = { pk: { [shape.hashType]: pkA } };
        const keyB: Record<string, any> = { pk: { [shape.hashType]: pkB } };
        let skA: string | undefined;
        let skB: string | undefined;
        if (shape.rangeType !== undefined) {
          skA = randomValue(random, shape.rangeType);
          skB = randomValue(random, shape.rangeType);
          keyA['sk'] = { [shape.rangeType]: skA };
          keyB['sk'] = { [shape.rangeType]: skB };
        }
        const a = encodeKey(shape, keyA);
        const b = encodeKey(shape, keyB);
        assert.equal(a.hash, partitionKeyHash(shape.hashType, pkA));
        assert.deepEqual(decodeKey(shape, a.bytes), keyA);
        const prefixA = encodePartitionKeyPart(shape.hashType, pkA);
        assert.ok(startsWith(a.bytes, prefixA));
        assert.equal(a.partitionPartBytes, prefixA.length);
        if (pkA === pkB) {
          if (shape.rangeType !== undefined) {
            const compare = shape.rangeType === 'N' ? compareNumbers : shape.rangeType === 'S' ? compareStrings : compareBinary;
            assert.equal(Buffer.compare(Buffer.from(a.bytes), Buffer.from(b.bytes)), Math.sign(compare(skA!, skB!)));
            assert.deepEqual(Buffer.from(a.bytes.subarray(prefixA.length)), Buffer.from(encodeSortKeyPart(shape.rangeType, skA!)));
          }
        } else {
          // Distinct partition keys never share a partition-key part, nor is one a prefix of the other.
          assert.ok(!startsWith(b.bytes, prefixA));
        }
      }
    }
  });

  test('long partition keys are digested, keeping keys within the LMDB budget', () => {
    const shape: KeyShape = { hashName: 'pk', hashType: 'S', rangeName: 'sk', rangeType: 'S' };
    const longKey = { pk: { S: 'p'.repeat(2048) }, sk: { S: 's'.repeat(1024) } };
    const encoded = encodeKey(shape, longKey);
    assert.ok(encoded.bytes.length <= max_encoded_key_bytes);
    assert.ok(max_encoded_key_bytes < 1978);
    assert.equal(decodeKey(shape, encoded.bytes), undefined);
    const other = encodeKey(shape, { pk: { S: 'p'.repeat(2047) + 'q' }, sk: { S: 's'.repeat(1024) } });
    assert.notDeepEqual(Buffer.from(other.bytes), Buffer.from(encoded.bytes));
    // Sort order holds under a digested partition key too.
    const lower = encodeKey(shape, { pk: { S: 'p'.repeat(2048) }, sk: { S: 'a' } });
    assert.ok(Buffer.compare(Buffer.from(lower.bytes), Buffer.from(encoded.bytes)) < 0);
    const inline = encodeKey(shape, { pk: { S: 'p'.repeat(512) }, sk: { S: 'x' } });
    assert.deepEqual(decodeKey(shape, inline.bytes), { pk: { S: 'p'.repeat(512) }, sk: { S: 'x' } });
  });
});
