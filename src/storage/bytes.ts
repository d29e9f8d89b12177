/**
 * Byte-string helpers for the ordered keyspace: keys order by unsigned bytes (memcmp), as LMDB
 * orders them by default.
 */

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
 * prefix scan. Returns undefined when there is none (the prefix is all 0xff bytes).
 */
export function prefixEnd(prefix: Uint8Array): Uint8Array | undefined {
  let i = prefix.length - 1;
  while (i >= 0 && prefix[i] === 0xff) i--;
  if (i < 0) return undefined;
  const end = prefix.slice(0, i + 1);
  end[i] = end[i] + 1;
  return end;
}
