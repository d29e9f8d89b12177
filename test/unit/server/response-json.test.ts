import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { JsonText } from '../../../src/api/action.js';
import { javaDouble, responseJson } from '../../../src/server/response-json.js';

describe('javaDouble', () => {
  test('prints like Java Double.toString', () => {
    const cases: ReadonlyArray<readonly [number, string]> = [
      [1, '1.0'],
      [0.5, '0.5'],
      [2.5, '2.5'],
      [0, '0.0'],
      [10, '10.0'],
      [1234567, '1234567.0'],
      [1e7, '1.0E7'],
      [12345678, '1.2345678E7'],
      [0.001, '0.001'],
      [0.0001, '1.0E-4'],
      [0.00015, '1.5E-4'],
      [-3, '-3.0'],
      [1e21, '1.0E21'],
    ];
    for (const [n, text] of cases) assert.equal(javaDouble(n), text, String(n));
  });

  test('round-trips', () => {
    for (const n of [0.1, 1 / 3, 123.456, 9.999e-4, 5e-324, 1.7976931348623157e308]) assert.equal(Number(javaDouble(n)), n);
  });
});

describe('responseJson', () => {
  test('plain JSON when there are no Double members', () => {
    const result = { TableNames: ['a'], LastEvaluatedTableName: 'a', Count: 1 };
    assert.equal(responseJson(result), JSON.stringify(result));
  });

  test('ConsumedCapacity numbers are Doubles, other numbers are not', () => {
    const json = responseJson({
      Count: 2,
      Items: [{ n: { N: '1' } }],
      ConsumedCapacity: { TableName: 't', CapacityUnits: 1, Table: { CapacityUnits: 0.5 }, GlobalSecondaryIndexes: { g: { CapacityUnits: 3 } } },
    });
    assert.equal(
      json,
      '{"Count":2,"Items":[{"n":{"N":"1"}}],"ConsumedCapacity":{"TableName":"t","CapacityUnits":1.0,"Table":{"CapacityUnits":0.5},"GlobalSecondaryIndexes":{"g":{"CapacityUnits":3.0}}}}',
    );
    assert.deepEqual(JSON.parse(json).ConsumedCapacity.GlobalSecondaryIndexes, { g: { CapacityUnits: 3 } });
  });

  test('arrays of ConsumedCapacity and ItemCollectionMetrics maps', () => {
    const json = responseJson({
      UnprocessedItems: {},
      ItemCollectionMetrics: { t: [{ ItemCollectionKey: { pk: { S: 'x' } }, SizeEstimateRangeGB: [0, 1] }] },
      ConsumedCapacity: [{ TableName: 't', CapacityUnits: 2 }],
    });
    assert.equal(
      json,
      '{"UnprocessedItems":{},"ConsumedCapacity":[{"TableName":"t","CapacityUnits":2.0}],"ItemCollectionMetrics":{"t":[{"ItemCollectionKey":{"pk":{"S":"x"}},"SizeEstimateRangeGB":[0.0,1.0]}]}}',
    );
  });

  test('a result holding only a Double member', () => {
    assert.equal(responseJson({ ConsumedCapacity: { TableName: 't', CapacityUnits: 1 } }), '{"ConsumedCapacity":{"TableName":"t","CapacityUnits":1.0}}');
  });

  test('a JsonText member, or a list of them, is written as is, in its place; nested deeper, it is its value', () => {
    const item = '{"id":{"S":"a\\"b"},"n":{"N":"1"},"1":{"BOOL":true}}';
    assert.equal(responseJson({ Item: new JsonText(item), Count: 1 }), `{"Item":${item},"Count":1}`);
    assert.equal(
      responseJson({ ConsumedCapacity: { TableName: 't', CapacityUnits: 0.5 }, Item: new JsonText(item) }),
      `{"Item":${item},"ConsumedCapacity":{"TableName":"t","CapacityUnits":0.5}}`,
    );
    // A page's items: the list is spliced, element by element.
    assert.equal(responseJson({ Items: [new JsonText(item), new JsonText('{"a":{"S":"x"}}')], Count: 2 }), `{"Items":[${item},{"a":{"S":"x"}}],"Count":2}`);
    assert.equal(responseJson({ Items: [] }), '{"Items":[]}');
    assert.equal(responseJson({ Responses: { t: [new JsonText(item)] } }), `{"Responses":{"t":[${JSON.stringify(JSON.parse(item))}]}}`);
  });

  test('undefined members are left out, as JSON.stringify does', () => {
    assert.equal(responseJson({ Attributes: undefined, ConsumedCapacity: { TableName: 't', CapacityUnits: 1, Table: undefined } }), '{"ConsumedCapacity":{"TableName":"t","CapacityUnits":1.0}}');
  });
});
