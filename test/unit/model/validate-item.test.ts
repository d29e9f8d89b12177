import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DynamoError } from '../../../src/errors.js';
import type { AttributeMap, KeyShape } from '../../../src/model/attribute-value.js';
import {
  validateAttributeMap,
  validateAttributeValue,
  validateItem,
  validateItemIndexKeyAttributes,
  validateItemKeyAttributes,
  validateKey,
} from '../../../src/model/validate-item.js';
import { randomInt, seededRandom } from './random-numbers.js';

function assertValidation(fn: () => unknown, message: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof DynamoError, `expected a DynamoError, got ${String(error)}`);
    assert.equal(error.errorName, 'ValidationException');
    assert.equal(error.message, message);
    return true;
  });
}

const invalid = 'One or more parameter values were invalid: ';
const empty = 'Supplied AttributeValue is empty, must contain exactly one of the supported datatypes';
const nest = 'Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit';

function deepMap(levels: number, leaf: unknown = { S: 'leaf' }): unknown {
  let value = leaf;
  for (let i = 0; i < levels; i++) value = { M: { n: value } };
  return value;
}

describe('validateAttributeValue', () => {
  test('rejects values without a type, as DynamoDB words it', () => {
    for (const value of [{}, { a: '' }, { M: { a: {} } }, { L: [{}] }, { L: [{ a: {} }] }, null, { S: null }]) {
      assertValidation(() => validateAttributeValue(value), empty);
    }
  });

  test('rejects invalid values with DynamoDB messages', () => {
    const cases: [unknown, string][] = [
      [{ NULL: false }, `${invalid}Null attribute value types must have the value of true`],
      [{ SS: [] }, `${invalid}An string set  may not be empty`],
      [{ NS: [] }, `${invalid}An number set  may not be empty`],
      [{ BS: [] }, `${invalid}Binary sets should not be empty`],
      [{ SS: ['a', 'a'] }, `${invalid}Input collection [a, a] contains duplicates.`],
      [{ BS: ['Yg==', 'Yg=='] }, `${invalid}Input collection [Yg==, Yg==]of type BS contains duplicates.`],
      [{ S: '', N: '' }, 'The parameter cannot be converted to a numeric value'],
      [{ S: 'a', N: '' }, 'The parameter cannot be converted to a numeric value'],
      [{ S: 'a', N: 'b' }, 'The parameter cannot be converted to a numeric value: b'],
      [{ NS: ['1', ''] }, 'The parameter cannot be converted to a numeric value'],
      [{ NS: ['1', 'b'] }, 'The parameter cannot be converted to a numeric value: b'],
      [{ NS: ['1', '1'] }, 'Input collection contains duplicates'],
      [{ NS: ['1', '1.0'] }, 'Input collection contains duplicates'],
      [{ N: '123456789012345678901234567890123456789' }, 'Attempting to store more than 38 significant digits in a Number'],
      [{ N: '1e126' }, 'Number overflow. Attempting to store a number with magnitude larger than supported range'],
      [{ N: '-1e-131' }, 'Number underflow. Attempting to store a number with magnitude smaller than supported range'],
      [{ S: 'a', N: '1' }, 'Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes'],
      [{ M: { a: { S: 'x' }, b: { NULL: false } } }, `${invalid}Null attribute value types must have the value of true`],
      [{ L: [{ S: 'x' }, { SS: [] }] }, `${invalid}An string set  may not be empty`],
    ];
    for (const [value, message] of cases) assertValidation(() => validateAttributeValue(value), message);
  });

  test('nesting: a leaf at level 32 is accepted, at level 33 refused', () => {
    validateAttributeValue(deepMap(31));
    assertValidation(() => validateAttributeValue(deepMap(32)), nest);
    assertValidation(() => validateAttributeValue(deepMap(40, { N: 'abc' })), nest);
    // The first problem in document order wins.
    assertValidation(() => validateAttributeValue({ M: { d: deepMap(40), bad: { N: 'abc' } } }), nest);
    assertValidation(() => validateAttributeValue({ M: { bad: { N: 'abc' }, d: deepMap(40) } }), 'The parameter cannot be converted to a numeric value: abc');
    let list: unknown = { S: 'x' };
    for (let i = 0; i < 31; i++) list = { L: [list] };
    validateAttributeValue(list);
    assertValidation(() => validateAttributeValue({ L: [list] }), nest);
  });

  test('canonicalises numbers, copying only what changed', () => {
    const same = { M: { a: { N: '12' }, b: { L: [{ S: 'x' }, { NS: ['1', '2'] }] } } };
    assert.equal(validateAttributeValue(same), same);
    const value = { M: { a: { N: '012' }, b: { L: [{ S: 'x' }, { NS: ['1', '2.0'] }] }, c: { S: 'kept' } } };
    const validated = validateAttributeValue(value) as { M: Record<string, any> };
    assert.deepEqual(validated, { M: { a: { N: '12' }, b: { L: [{ S: 'x' }, { NS: ['1', '2'] }] }, c: { S: 'kept' } } });
    assert.equal(validated.M['c'], value.M.c);
    assert.equal(validated.M['b'].L[0], value.M.b.L[0]);
    assert.deepEqual(value.M.a, { N: '012' }, 'the input is not modified');
  });

  test('drops members that are not AttributeValue members', () => {
    assert.deepEqual(validateAttributeValue({ S: 'a', other: 1 }), { S: 'a' });
  });

  test('fuzz: random JSON only ever raises DynamoError', () => {
    const random = seededRandom(31);
    const keys = ['S', 'N', 'B', 'SS', 'NS', 'BS', 'M', 'L', 'NULL', 'BOOL', 'x'];
    const randomJson = (depth: number): unknown => {
      const pick = randomInt(random, 0, depth > 4 ? 5 : 8);
      switch (pick) {
        case 0: return null;
        case 1: return random() < 0.5;
        case 2: return randomInt(random, -5, 5);
        case 3: return ['', 'a', '1', '1e200', '-0.5', 'AQ==', '1e-200', 'NaN', '01'][randomInt(random, 0, 8)];
        case 4: return ['1', '2', '1.0', 'a', 'a'].slice(0, randomInt(random, 0, 5));
        case 5: return undefined;
        case 6: return Array.from({ length: randomInt(random, 0, 3) }, () => randomJson(depth + 1));
        default: {
          const object: Record<string, unknown> = {};
          const count = randomInt(random, 0, 3);
          for (let i = 0; i < count; i++) object[keys[randomInt(random, 0, keys.length - 1)]!] = randomJson(depth + 1);
          return object;
        }
      }
    };
    let accepted = 0;
    for (let i = 0; i < 20000; i++) {
      const input = randomJson(0);
      try {
        validateAttributeValue(input);
        accepted++;
      } catch (error) {
        assert.ok(error instanceof DynamoError, `${String(error)} for ${JSON.stringify(input)}`);
      }
    }
    assert.ok(accepted > 100, `the fuzzer reaches valid values too (${accepted})`);
  });
});

describe('validateItem', () => {
  test('validates values and the 400 KB limit', () => {
    const item = { id: { S: 'a' }, n: { N: '5' } };
    assert.equal(validateItem(item), item);
    assert.equal(validateAttributeMap(item), item);
    assertValidation(() => validateItem({ id: { S: 'a' }, big: { S: 'x'.repeat(400 * 1024) } }), 'Item size has exceeded the maximum allowed size');
    // Exactly 400 KB is allowed: names and values together.
    validateItem({ id: { S: 'x'.repeat(400 * 1024 - 2) } });
    assertValidation(() => validateItem({ id: { S: 'x'.repeat(400 * 1024 - 1) } }), 'Item size has exceeded the maximum allowed size');
  });
});

const hashShape: KeyShape = { hashName: 'a', hashType: 'S' };
const rangeShape: KeyShape = { hashName: 'a', hashType: 'S', rangeName: 'b', rangeType: 'N' };
const binaryShape: KeyShape = { hashName: 'a', hashType: 'S', rangeName: 'b', rangeType: 'B' };

describe('validateKey', () => {
  test('the key must match the schema exactly', () => {
    const keys: AttributeMap[] = [{}, { b: { S: 'a' } }, { a: { S: 'a' }, b: { S: 'a' } }, { a: { B: 'abcd' } }, { a: { N: '1' } }, { a: { BOOL: true } }, { a: { NULL: true } }, { a: { SS: ['a'] } }, { a: { M: {} } }, { a: { L: [] } }];
    for (const key of keys) {
      assertValidation(() => validateKey(hashShape, key), 'The provided key element does not match the schema');
    }
    assertValidation(() => validateKey(rangeShape, { a: { S: 'a' } }), 'The provided key element does not match the schema');
    assertValidation(() => validateKey(rangeShape, { a: { S: 'a' }, b: { S: '1' } }), 'The provided key element does not match the schema');
    const key = { a: { S: 'x' }, b: { N: '1' } };
    assert.equal(validateKey(rangeShape, key), key);
  });

  test('key values must not be empty and must fit', () => {
    assertValidation(() => validateKey(hashShape, { a: { S: '' } }), 'One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: a');
    assertValidation(() => validateKey(binaryShape, { a: { S: 'x' }, b: { B: '' } }), 'One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty binary value. Key: b');
    validateKey(hashShape, { a: { S: 'x'.repeat(2048) } });
    assertValidation(() => validateKey(hashShape, { a: { S: 'x'.repeat(2049) } }), `${invalid}Size of hashkey has exceeded the maximum size limit of2048 bytes`);
    assertValidation(() => validateKey(hashShape, { a: { S: 'é'.repeat(1025) } }), `${invalid}Size of hashkey has exceeded the maximum size limit of2048 bytes`);
    validateKey(binaryShape, { a: { S: 'x' }, b: { B: Buffer.alloc(1024).toString('base64') } });
    assertValidation(() => validateKey(binaryShape, { a: { S: 'x' }, b: { B: Buffer.alloc(1025).toString('base64') } }), `${invalid}Aggregated size of all range keys has exceeded the size limit of 1024 bytes`);
  });
});

describe('validateItemKeyAttributes', () => {
  test('reports missing, mistyped, empty and oversized keys, partition key first', () => {
    assertValidation(() => validateItemKeyAttributes(rangeShape, { b: { N: '1' } }), `${invalid}Missing the key a in the item`);
    assertValidation(() => validateItemKeyAttributes(rangeShape, { a: { S: 'x' } }), `${invalid}Missing the key b in the item`);
    assertValidation(() => validateItemKeyAttributes(rangeShape, { a: { N: '1' }, b: { S: 'x' } }), `${invalid}Type mismatch for key a expected: S actual: N`);
    assertValidation(() => validateItemKeyAttributes(rangeShape, { a: { S: 'x' }, b: { SS: ['x'] } }), `${invalid}Type mismatch for key b expected: N actual: SS`);
    assertValidation(() => validateItemKeyAttributes(rangeShape, { a: { S: '' }, b: { N: '1' } }), 'One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: a');
    assertValidation(() => validateItemKeyAttributes(binaryShape, { a: { S: 'x' }, b: { B: '' } }), 'One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty binary value. Key: b');
    assertValidation(() => validateItemKeyAttributes(hashShape, { a: { S: 'x'.repeat(2049) } }), `${invalid}Size of hashkey has exceeded the maximum size limit of2048 bytes`);
    validateItemKeyAttributes(rangeShape, { a: { S: 'x' }, b: { N: '-1.5' }, other: { S: '' } });
  });

  test('index keys: type and emptiness, absent is fine', () => {
    const indexes = [{ indexName: 'gsi1', key: { hashName: 'g', hashType: 'S' as const, rangeName: 'h', rangeType: 'B' as const } }];
    validateItemIndexKeyAttributes(indexes, { a: { S: 'x' } });
    assertValidation(() => validateItemIndexKeyAttributes(indexes, { g: { N: '1' } }), `${invalid}Type mismatch for Index Key g Expected: S Actual: N IndexName: gsi1`);
    assertValidation(() => validateItemIndexKeyAttributes(indexes, { g: { S: '' } }), 'One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty string value. IndexName: gsi1, IndexKey: g');
    assertValidation(() => validateItemIndexKeyAttributes(indexes, { g: { S: 'x' }, h: { B: '' } }), 'One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty binary value. IndexName: gsi1, IndexKey: h');
  });

  test('index keys: at most 2048 bytes for the partition key, 1024 for the sort key (UTF-8 or decoded bytes)', () => {
    const indexes = [{ indexName: 'gsi1', key: { hashName: 'g', hashType: 'S' as const, rangeName: 'h', rangeType: 'B' as const } }];
    validateItemIndexKeyAttributes(indexes, { g: { S: 'é'.repeat(1024) }, h: { B: Buffer.alloc(1024).toString('base64') } });
    assertValidation(
      () => validateItemIndexKeyAttributes(indexes, { g: { S: 'é'.repeat(1025) } }),
      `${invalid}Size limit exceeded for Index Key g Actual Size: 2050 bytes Max Size: 2048 bytes IndexName: gsi1`,
    );
    assertValidation(
      () => validateItemIndexKeyAttributes(indexes, { g: { S: 'x' }, h: { B: Buffer.alloc(1025).toString('base64') } }),
      `${invalid}Size limit exceeded for Index Key h Actual Size: 1025 bytes Max Size: 1024 bytes IndexName: gsi1`,
    );
  });
});
