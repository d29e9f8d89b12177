/** The line `dynabase tail` prints for a record. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LambdaStreamRecord } from '../../../src/streams/stream-consumer.js';
import { formatTailLine } from '../../../src/streams/tail.js';

function record(overrides: Partial<LambdaStreamRecord['dynamodb']>, extra: Partial<LambdaStreamRecord> = {}): LambdaStreamRecord {
  return {
    eventID: '0'.repeat(32),
    eventName: 'REMOVE',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    eventSourceARN: 'arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/2026-01-01T00:00:00.000',
    dynamodb: { ApproximateCreationDateTime: 1767225600, Keys: { pk: { S: 'k' } }, SequenceNumber: '1'.padStart(21, '0'), SizeBytes: 3, StreamViewType: 'KEYS_ONLY', ...overrides },
    ...extra,
  };
}

test('keys only, and a TTL deletion marked', () => {
  assert.equal(formatTailLine(record({})), '2026-01-01T00:00:00Z REMOVE {"pk":"k"}');
  assert.equal(
    formatTailLine(record({}, { userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' } })),
    '2026-01-01T00:00:00Z REMOVE {"pk":"k"} (ttl)',
  );
});

test('values shown as plain JSON; numbers beyond a double stay text', () => {
  const image = {
    pk: { S: 'k' },
    n: { N: '12.5' },
    big: { N: '12345678901234567890123' },
    ok: { BOOL: true },
    nothing: { NULL: true },
    list: { L: [{ S: 'x' }, { N: '1' }] },
    map: { M: { inner: { SS: ['a', 'b'] } } },
    nums: { NS: ['1', '2'] },
  };
  assert.equal(
    formatTailLine(record({ NewImage: image }, { eventName: 'INSERT' })),
    '2026-01-01T00:00:00Z INSERT {"pk":"k"} {"pk":"k","n":12.5,"big":"12345678901234567890123","ok":true,"nothing":null,"list":["x",1],"map":{"inner":["a","b"]},"nums":[1,2]}',
  );
});
