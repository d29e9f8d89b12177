/** The parse cache's eviction: bounded, and an entry hit since the last sweep outlives one that was not. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LruCache } from '../../../src/expr/lru-cache.js';

describe('LruCache (second chance)', () => {
  test('stays within its capacity and evicts the oldest entry not hit', () => {
    const cache = new LruCache<string, number>(3);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    assert.equal(cache.get('a'), 1);
    cache.set('d', 4);
    assert.equal(cache.size, 3);
    assert.equal(cache.get('b'), undefined, 'b was the oldest entry not hit');
    assert.deepEqual(['a', 'c', 'd'].map((key) => cache.get(key)), [1, 3, 4]);
  });

  test('evicts even when every entry was hit (one sweep clears them)', () => {
    const cache = new LruCache<number, number>(4);
    for (let i = 0; i < 4; i++) cache.set(i, i);
    for (let i = 0; i < 4; i++) cache.get(i);
    cache.set(4, 4);
    assert.equal(cache.size, 4);
    assert.equal(cache.get(0), undefined, 'the oldest goes once every second chance is spent');
    assert.equal(cache.get(4), 4);
  });

  test('setting a present key replaces its value without evicting', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('a', 10);
    assert.equal(cache.size, 2);
    assert.equal(cache.get('a'), 10);
    assert.equal(cache.get('b'), 2);
  });

  test('counts hits and misses; clear resets them', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.get('a');
    cache.get('z');
    assert.deepEqual([cache.hits, cache.misses], [1, 1]);
    cache.clear();
    assert.deepEqual([cache.hits, cache.misses, cache.size], [0, 0, 0]);
  });

  test('refuses a capacity under 1', () => {
    assert.throws(() => new LruCache(0), RangeError);
  });
});
