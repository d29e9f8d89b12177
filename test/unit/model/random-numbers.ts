/**
 * Seeded generators for property tests of the model layer. A failing run prints its inputs, and
 * the seed in each test makes it replay exactly.
 */

export { seededRandom } from '../../helpers/seeded-random.js';

export function randomInt(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/**
 * A random canonical DynamoDB number: 1 to 38 significant digits at any exponent in range, with a
 * bias towards small integers and short fractions (the common cases), and some zeros.
 */
export function randomCanonicalNumber(random: () => number): string {
  const kind = random();
  if (kind < 0.05) return '0';
  const negative = random() < 0.5;
  let digitCount: number;
  let exponent: number;
  if (kind < 0.4) {
    digitCount = randomInt(random, 1, 6);
    exponent = randomInt(random, digitCount - 1, 8);
  } else if (kind < 0.6) {
    digitCount = randomInt(random, 1, 8);
    exponent = randomInt(random, -6, 6);
  } else {
    digitCount = randomInt(random, 1, 38);
    exponent = randomInt(random, -130, 125);
  }
  let digits = String(randomInt(random, 1, 9));
  for (let i = 1; i < digitCount; i++) digits += String(randomInt(random, 0, 9));
  digits = digits.replace(/0+$/, '');
  const count = digits.length;
  let body: string;
  if (exponent >= count - 1) body = digits + '0'.repeat(exponent - count + 1);
  else if (exponent >= 0) body = `${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
  else body = `0.${'0'.repeat(-exponent - 1)}${digits}`;
  return negative ? `-${body}` : body;
}
