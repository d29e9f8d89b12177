/** The TTL expiry rule: a Number of epoch seconds, in the past, at most five years old. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expiryOf, isExpired, ttl_max_age_s } from '../../../src/ttl/ttl-sweeper.js';

const now_ms = 1_800_000_000_000;
const now_s = now_ms / 1000;

test('only a Number attribute has an expiry', () => {
  assert.equal(expiryOf({ t: { N: '123' } }, 't'), 123);
  assert.equal(expiryOf({ t: { N: '1.5E3' } }, 't'), 1500);
  assert.equal(expiryOf({ t: { S: '123' } }, 't'), undefined);
  assert.equal(expiryOf({ t: { NS: ['123'] } }, 't'), undefined);
  assert.equal(expiryOf({ u: { N: '123' } }, 't'), undefined);
});

test('expired: in the past (inclusive), not more than five years ago', () => {
  assert.equal(isExpired({ t: { N: String(now_s) } }, 't', now_ms), true);
  assert.equal(isExpired({ t: { N: String(now_s - 1) } }, 't', now_ms), true);
  assert.equal(isExpired({ t: { N: String(now_s + 1) } }, 't', now_ms), false);
  assert.equal(isExpired({ t: { N: String(now_s - ttl_max_age_s) } }, 't', now_ms), true);
  assert.equal(isExpired({ t: { N: String(now_s - ttl_max_age_s - 1) } }, 't', now_ms), false);
  // Milliseconds by mistake: far in the future, never expires.
  assert.equal(isExpired({ t: { N: String(now_ms) } }, 't', now_ms), false);
});
