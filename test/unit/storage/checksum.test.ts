import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32c } from '../../../src/storage/checksum.js';

/** Byte-at-a-time reference implementation, to check the slicing-by-8 tables. */
function referenceCrc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

test('CRC32C matches the published check values', () => {
  // RFC 3720 (iSCSI) appendix B.4 and the CRC catalogue check value for "123456789".
  assert.equal(crc32c(new TextEncoder().encode('123456789')), 0xe3069283);
  assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa);
  assert.equal(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
  assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e);
  assert.equal(crc32c(new Uint8Array(0)), 0);
});

test('CRC32C agrees with a bytewise reference at every length and offset, and chains', () => {
  const data = Uint8Array.from({ length: 300 }, (_, i) => (i * 167 + 13) & 0xff);
  for (let length = 0; length < 70; length++) {
    for (const start of [0, 1, 3, 7]) {
      const slice = data.subarray(start, start + length);
      assert.equal(crc32c(data, 0, start, start + length), referenceCrc32c(slice));
      assert.equal(crc32c(slice), referenceCrc32c(slice));
    }
  }
  const whole = crc32c(data);
  assert.equal(crc32c(data, crc32c(data, 0, 0, 123), 123, data.length), whole);
});
