/**
 * Helpers for the control-plane conformance tests: DynamoDB's error (name and exact message)
 * as the AWS SDK v3 surfaces it, and a small table definition.
 */
import assert from 'node:assert/strict';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export async function expectError(promise: Promise<unknown>, name: string, message: string | RegExp): Promise<void> {
  try {
    await promise;
  } catch (error) {
    const failure = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    assert.equal(failure.name, name, `error name (message: ${failure.message})`);
    if (typeof message === 'string') assert.equal(failure.message, message);
    else assert.match(failure.message ?? '', message);
    assert.equal(failure.$metadata?.httpStatusCode, 400);
    return;
  }
  assert.fail(`expected ${name}`);
}

let counter = 0;
/** A fresh table name per test, so tests in one file do not collide. */
export function tableName(prefix = 'table'): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}`;
}

export function hashTable(name: string): CreateTableCommandInput {
  return {
    TableName: name,
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
  };
}

export const invalid = 'One or more parameter values were invalid: ';
