import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DynamoError } from '../../../src/errors.js';
import {
  addNumbers,
  canonicalNumber,
  compareNumbers,
  numberSizeBytes,
  number_not_convertible_message,
  number_overflow_message,
  number_precision_message,
  number_underflow_message,
  subtractNumbers,
} from '../../../src/model/number.js';
import { randomCanonicalNumber, seededRandom } from './random-numbers.js';

function assertValidation(fn: () => unknown, message: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof DynamoError, `expected a DynamoError, got ${String(error)}`);
    assert.equal(error.errorName, 'ValidationException');
    assert.equal(error.message, message);
    return true;
  });
}

describe('canonicalNumber', () => {
  test('prints plain decimals without redundant zeros, signs or exponents', () => {
    const cases: [string, string][] = [
      ['0', '0'],
      ['-0', '0'],
      ['+0', '0'],
      ['0.000', '0'],
      ['00', '0'],
      ['0e125', '0'],
      ['7', '7'],
      ['-123', '-123'],
      ['+3', '3'],
      ['01.50', '1.5'],
      ['1e2', '100'],
      ['1E+2', '100'],
      ['1E-5', '0.00001'],
      ['-1.5e-3', '-0.0015'],
      ['.123', '0.123'],
      ['5.', '5'],
      ['0001.23', '1.23'],
      ['0042.1200', '42.12'],
      ['-17.4E37', '-174' + '0'.repeat(36)],
      ['12.34e1', '123.4'],
      ['12.34e2', '1234'],
      ['12.34e3', '12340'],
      ['1234e-2', '12.34'],
      ['1234e-4', '0.1234'],
      ['100.001', '100.001'],
      ['1e000000000000000000000000002', '100'],
      ['1E125', '1' + '0'.repeat(125)],
      ['9.9999999999999999999999999999999999999E+125', '99999999999999999999999999999999999999' + '0'.repeat(88)],
      ['1e-130', '0.' + '0'.repeat(129) + '1'],
      ['3.1415926535897932384626433832795028841', '3.1415926535897932384626433832795028841'],
      ['31415926535897932384626433832795028841e30', '31415926535897932384626433832795028841' + '0'.repeat(30)],
      ['12345678901234567890123456789012345678', '12345678901234567890123456789012345678'],
      ['1' + '0'.repeat(50), '1' + '0'.repeat(50)],
    ];
    for (const [input, expected] of cases) assert.equal(canonicalNumber(input), expected, input);
  });

  test('returns the very string when it is already canonical', () => {
    const text = ['1', '2', '3'].join('');
    assert.equal(canonicalNumber(text), text);
  });

  test('rejects what is not a number with DynamoDB message', () => {
    assertValidation(() => canonicalNumber(''), number_not_convertible_message);
    for (const text of ['abc', 'b', 'NaN', 'Infinity', '-Infinity', ' 1', '1 ', '1..2', '.', '-', '+', 'e5', '1e', '1e+', '1e5.5', '0x10', '1,5', '--1', '1e-', '١']) {
      assertValidation(() => canonicalNumber(text), `${number_not_convertible_message}: ${text}`);
    }
  });

  test('rejects too large and too small magnitudes', () => {
    for (const text of ['1e126', '-1e126', '10e125', '11e125', '0e126', '1e99999999999', '1e2147483648', '1e9223372036854775807']) {
      assertValidation(() => canonicalNumber(text), number_overflow_message);
    }
    for (const text of ['1e-131', '-1e-131', '0.9e-130', '0e-131', '1e-99999999999', '1e-9223372036854775808']) {
      assertValidation(() => canonicalNumber(text), number_underflow_message);
    }
  });

  test('an exponent beyond a 64-bit integer cannot be converted', () => {
    for (const text of ['1e9223372036854775808', '1e-9223372036854775809', '1e99999999999999999999']) {
      assertValidation(() => canonicalNumber(text), `${number_not_convertible_message}: ${text}`);
    }
  });

  test('rejects more than 38 significant digits, ignoring leading and trailing zeros', () => {
    for (const text of ['123456789012345678901234567890123456789', '-1.23456789012345678901234567890123456789', '3.14159265358979323846264338327950288419']) {
      assertValidation(() => canonicalNumber(text), number_precision_message);
    }
    assert.equal(canonicalNumber('000012345678901234567890123456789012345678000.000'), '12345678901234567890123456789012345678000');
  });

  test('magnitude errors win over precision errors', () => {
    assertValidation(() => canonicalNumber('123456789012345678901234567890123456789e200'), number_overflow_message);
  });

  test('canonical form round-trips and is stable (random)', () => {
    const random = seededRandom(1);
    for (let i = 0; i < 5000; i++) {
      const value = randomCanonicalNumber(random);
      assert.equal(canonicalNumber(value), value);
      // Re-spelling with an exponent and padding zeros gives the same canonical form.
      const respelled = `${value.startsWith('-') ? '-' : '+'}000${value.replace('-', '')}${value.includes('.') ? '000' : ''}e0`;
      assert.equal(canonicalNumber(respelled), value, respelled);
    }
  });
});

describe('compareNumbers', () => {
  test('orders numbers exactly', () => {
    const ascending = [
      '-1' + '0'.repeat(125), '-100', '-99.5', '-10', '-1.5', '-1', '-0.5', '-0.05', '-0.0001',
      '0', '0.' + '0'.repeat(129) + '1', '0.0001', '0.05', '0.5', '0.51', '1', '1.5', '9', '10', '99.5',
      '100', '12345678901234567890123456789012345678', '1' + '0'.repeat(125),
    ];
    for (let i = 0; i < ascending.length; i++) {
      for (let j = 0; j < ascending.length; j++) {
        const result = compareNumbers(ascending[i]!, ascending[j]!);
        assert.equal(Math.sign(result), Math.sign(i - j), `${ascending[i]} vs ${ascending[j]}`);
      }
    }
  });

  test('agrees with subtraction on random numbers', () => {
    const random = seededRandom(2);
    for (let i = 0; i < 3000; i++) {
      const a = randomCanonicalNumber(random);
      const b = random() < 0.1 ? a : randomCanonicalNumber(random);
      const expected = Math.sign(exactCompare(a, b));
      assert.equal(Math.sign(compareNumbers(a, b)), expected, `${a} vs ${b}`);
    }
  });
});

/** A slow, obviously exact comparison through scaled BigInts. */
function exactCompare(a: string, b: string): number {
  const scale = 200;
  const toBig = (text: string): bigint => {
    const negative = text.startsWith('-');
    const body = negative ? text.slice(1) : text;
    const [integer, fraction = ''] = body.split('.');
    const value = BigInt(integer! + fraction.padEnd(scale, '0'));
    return negative ? -value : value;
  };
  const x = toBig(a);
  const y = toBig(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

describe('addNumbers and subtractNumbers', () => {
  test('add and subtract exactly', () => {
    const cases: [string, string, string, string][] = [
      // a, b, a + b, a - b
      ['1', '2', '3', '-1'],
      ['5', '-5', '0', '10'],
      ['0.1', '0.2', '0.3', '-0.1'],
      ['0.3', '0.1', '0.4', '0.2'],
      ['1', '10000000000000000000000', '10000000000000000000001', '-9999999999999999999999'],
      ['100000000000000000000.00000001', '-1', '99999999999999999999.00000001', '100000000000000000001.00000001'],
      ['999999999999999', '1', '1000000000000000', '999999999999998'],
      ['1.5', '1.5', '3', '0'],
      ['-0.000001', '0.000001', '0', '-0.000002'],
      ['1' + '0'.repeat(125), '-1' + '0'.repeat(125), '0', '2' + '0'.repeat(125)],
    ];
    for (const [a, b, sum, difference] of cases) {
      assert.equal(addNumbers(a, b), sum, `${a} + ${b}`);
      assert.equal(subtractNumbers(a, b), difference, `${a} - ${b}`);
    }
  });

  test('overflow past the range or past 38 digits answers "Number overflow"', () => {
    const nine125 = '9' + '0'.repeat(125);
    assertValidation(() => addNumbers(nine125, nine125), number_overflow_message);
    assertValidation(() => subtractNumbers(nine125, '-' + nine125), number_overflow_message);
    assertValidation(() => addNumbers('1' + '0'.repeat(50), '1'), number_overflow_message);
    assertValidation(() => subtractNumbers('1' + '0'.repeat(50), '1'), number_overflow_message);
    assertValidation(() => addNumbers('1' + '0'.repeat(38), '1'), number_overflow_message);
    assert.equal(addNumbers('1' + '0'.repeat(37), '1'), '1' + '0'.repeat(36) + '1');
  });

  test('underflow below 1E-130 answers "Number underflow"', () => {
    const a = '0.' + '0'.repeat(129) + '15';
    const b = '0.' + '0'.repeat(129) + '14';
    assertValidation(() => subtractNumbers(a, b), number_underflow_message);
  });

  test('random sums agree with BigInt arithmetic when in range', () => {
    const random = seededRandom(3);
    for (let i = 0; i < 3000; i++) {
      const a = randomCanonicalNumber(random);
      const b = randomCanonicalNumber(random);
      let sum: string | undefined;
      try {
        sum = addNumbers(a, b);
      } catch (error) {
        assert.ok(error instanceof DynamoError, String(error));
        continue;
      }
      assert.equal(canonicalNumber(sum), sum);
      assert.equal(exactCompare(subtractNumbers(sum, b), a), 0, `${a} + ${b} = ${sum}`);
    }
  });
});

describe('numberSizeBytes', () => {
  test('counts base-100 digits aligned on the point, plus exponent and sign bytes', () => {
    const cases: [string, number][] = [
      ['0', 1],
      ['1', 2],
      ['27', 2],
      ['-27', 3],
      ['461', 3],
      ['123456', 4],
      ['3.14159', 5],
      ['42.12', 3],
      ['1' + '0'.repeat(125), 2],
      ['100', 2],
      ['1000', 2],
      ['1100', 2],
      ['11000', 3],
      ['101', 3],
      ['0.5', 2],
      ['0.05', 2],
      ['0.15', 2],
      ['0.015', 3],
      ['1786461547', 6],
      ['12345678901234567890123456789012345678', 20],
      ['-1.0000000000000000000000000000000000001', 22],
    ];
    for (const [value, size] of cases) assert.equal(numberSizeBytes(value), size, value);
  });
});
