import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import * as zlib from 'node:zlib';
import { crc32, crc32Table, crc32Text } from '../../../src/server/crc32.js';

describe('crc32', () => {
  test('matches the x-amz-crc32 values DynamoDB sent for these bodies', () => {
    // Recorded from DynamoDB in dynalite's test/connection.js.
    const recorded: ReadonlyArray<readonly [string, number]> = [
      ['<UnknownOperationException/>\n', 3552371480],
      ['healthy: dynamodb.us-east-1.amazonaws.com ', 3128867991],
      ['{"__type":"com.amazon.coral.service#SerializationException"}', 3948637019],
      ['{"__type":"com.amazon.coral.service#UnknownOperationException"}', 1368724161],
    ];
    for (const [body, expected] of recorded) assert.equal(crc32(Buffer.from(body, 'utf8')), expected, body);
  });

  test('the check value of the standard and the empty input', () => {
    assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
    assert.equal(crc32(new Uint8Array(0)), 0);
  });

  test('agrees with zlib on random inputs of every length up to 100 and some large ones', () => {
    const zlibCrc32 = (zlib as unknown as { crc32?: (data: Uint8Array) => number }).crc32;
    const reference = zlibCrc32 ?? slowCrc32;
    for (let length = 0; length <= 100; length++) {
      const data = randomBytes(length);
      assert.equal(crc32(data), reference(data), `length ${length}`);
    }
    for (const length of [4096, 65537, 1_000_003]) {
      const data = randomBytes(length);
      assert.equal(crc32(data), reference(data), `length ${length}`);
    }
  });

  test('the JS table (short bodies, older Node) agrees with the bit-by-bit reference at every length', () => {
    for (const length of [0, 1, 7, 8, 9, 63, 64, 65, 1000, 4099]) {
      const data = randomBytes(length);
      assert.equal(crc32Table(data), slowCrc32(data), `length ${length}`);
    }
    const view = randomBytes(1000).subarray(3, 904);
    assert.equal(crc32Table(view), slowCrc32(Uint8Array.from(view)));
  });

  test('the CRC-32 of a text is that of its UTF-8 bytes, short or long, ASCII or not', () => {
    const texts = ['', '{}', 'a'.repeat(63), 'a'.repeat(64), 'a'.repeat(5000), 'caf\u00e9', `${'x'.repeat(70)}\u00e9`, '\u65e5\u672c', `${'y'.repeat(100)}\u{1f600}`];
    for (const text of texts) assert.equal(crc32Text(text), slowCrc32(Buffer.from(text, 'utf8')), JSON.stringify(text.slice(0, 12)));
  });

  test('reads a view at an unaligned offset correctly', () => {
    const data = randomBytes(1000);
    const view = new Uint8Array(data.buffer, data.byteOffset + 3, 901);
    assert.equal(crc32(view), slowCrc32(Uint8Array.from(view)));
  });
});

/** Bit-by-bit reference implementation. */
function slowCrc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
