/**
 * The parse cache under a realistic expression workload, in-process (no socket): conditional
 * UpdateItems and filtered Queries over a small set of expression texts with varying values,
 * plus a share of one-off expressions, through the real request path. Reports the cache's hit
 * rate and the in-process time per request. Usage: `node dist/bench/expression-cache.js`.
 */
import { defaultConfig } from '../src/config.js';
import { clearExpressionCache, expressionCacheStats } from '../src/expr/index.js';
import { openService } from '../src/service.js';
import { callInProcess } from './bench-kit.js';

const requests = 50_000;
/** One request in this many carries an expression text never seen before. */
const oneOffEvery = 50;


async function main(): Promise<void> {
  const service = await openService({ ...defaultConfig, dataDir: undefined });
  await callInProcess(service, 'CreateTable', {
    TableName: 'cache',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  for (let i = 0; i < 100; i++) await callInProcess(service, 'PutItem', { TableName: 'cache', Item: { pk: { S: `p${i % 10}` }, sk: { N: String(i) }, n: { N: '0' } } });
  clearExpressionCache();

  const started = process.hrtime.bigint();
  for (let i = 0; i < requests; i++) {
    const oneOff = i % oneOffEvery === 0 ? ` AND n <> :x${i}` : '';
    if (i % 2 === 0) {
      await callInProcess(service, 'UpdateItem', {
        TableName: 'cache',
        Key: { pk: { S: `p${i % 10}` }, sk: { N: String(i % 100) } },
        UpdateExpression: 'SET #a = :a, #b = :b ADD n :one',
        ConditionExpression: `attribute_exists(pk)${oneOff}`,
        ExpressionAttributeNames: { '#a': 'a', '#b': 'b' },
        ExpressionAttributeValues: { ':a': { S: `v${i}` }, ':b': { N: String(i) }, ':one': { N: '1' }, ...(oneOff ? { [`:x${i}`]: { N: '-1' } } : {}) },
      });
    } else {
      await callInProcess(service, 'Query', {
        TableName: 'cache',
        KeyConditionExpression: 'pk = :p AND sk BETWEEN :lo AND :hi',
        FilterExpression: `n >= :min${oneOff}`,
        ExpressionAttributeValues: { ':p': { S: `p${i % 10}` }, ':lo': { N: '0' }, ':hi': { N: '50' }, ':min': { N: '0' }, ...(oneOff ? { [`:x${i}`]: { N: '-1' } } : {}) },
      });
    }
  }
  const elapsed_us = Number(process.hrtime.bigint() - started) / 1000;
  const stats = expressionCacheStats();
  const lookups = stats.hits + stats.misses;
  console.log(`${requests} requests (UpdateItem with SET/ADD and a condition; Query with a key condition and a filter), 1 in ${oneOffEvery} with a one-off expression`);
  console.log(`parse cache: ${stats.hits} hits, ${stats.misses} misses, hit rate ${((100 * stats.hits) / lookups).toFixed(1)} %, ${stats.size}/${stats.capacity} entries`);
  console.log(`in-process time per request: ${(elapsed_us / requests).toFixed(1)} µs`);
  await service.close();
}

await main();
