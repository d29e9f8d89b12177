/**
 * Byte-string helpers for the ordered keyspace: keys order by unsigned bytes (memcmp), as LMDB
 * orders them by default.
 */
import { assert } from '../errors.js';

/** Unsigned lexicographic comparison; a proper prefix sorts first. Negative, 0 or positive. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const d = a[i] - b[i];
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/**
 * The smallest key greater than every key that starts with `prefix`: the exclusive end of a
 * prefix scan (trailing 0xff bytes dropped, the last byte incremented). A prefix of only 0xff
 * bytes has none: callers pass keys that start with a section tag below 0xff.
 */
export function prefixEnd(prefix: Uint8Array): Uint8Array {
  let i = prefix.length - 1;
  while (i >= 0 && prefix[i] === 0xff) i--;
  assert(i >= 0, 'a prefix scan has an end: the prefix is not all 0xff bytes');
  const end = prefix.slice(0, i + 1);
  end[i] = end[i] + 1;
  return end;
}

/** The smallest key greater than `key`: `key` followed by 0x00 (a scan resuming strictly after it). */
export function keyAfter(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(key.length + 1);
  out.set(key, 0);
  return out;
}

/** The greater of two keys (a range's start narrowed by a resume point). */
export function maxKey(a: Uint8Array, b: Uint8Array): Uint8Array {
  return Buffer.compare(a, b) >= 0 ? a : b;
}

/** The lesser of two keys (a range's end narrowed by a resume point). */
export function minKey(a: Uint8Array, b: Uint8Array): Uint8Array {
  return Buffer.compare(a, b) <= 0 ? a : b;
}
