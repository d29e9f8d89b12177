/**
 * BatchWriteItem: up to 25 puts and deletes over one or more tables. Each write is atomic on its
 * own; the batch is not a transaction. But every request is validated before any is applied, so
 * a bad request writes nothing (DynamoDB: "the entire batch write operation is rejected").
 *
 * Order of checks (DynamoDB's; dynalite's tests record them): request shape (1 to 25 requests
 * per table); an empty WriteRequest; each item's values and size (as PutItem) or each key's
 * values; the 25-request total; then table by table: the table exists, each item's key
 * attributes or each key against the schema, duplicate keys.
 *
 * Capacity is per table, each write rounded up to 1 KB on its own (the larger of the old and new
 * item). Admission control may turn writes away: they come back in UnprocessedItems, as sent.
 * An item a transaction in flight holds fails the batch with TransactionConflictException.
 */
import { DynamoError, validationError } from '../errors.js';
import { max_batch_write_requests, max_table_name_length, min_table_name_length } from '../limits.js';
import type { Item } from '../model/attribute-value.js';
import { writeCapacityUnits } from '../model/capacity.js';
import { encodeKey } from '../model/key-codec.js';
import { key_schema_mismatch_message, validateAttributeMap, validateItem, validateItemKeyAttributes, validateKey } from '../model/validate-item.js';
import { admitted, reported, throttled } from '../partition/admission-control.js';
import { keyOf, type TableRecord, type WriteOutcome } from '../partition/table-store.js';
import { assertItemNotInTransaction } from '../txn/transaction-coordinator.js';
import type { Action, JsonObject } from './action.js';
import { checkIndexKeys, itemCollectionMetricsByTable, writeConsumedCapacity } from './secondary-indexes.js';
import { tableForDataPlane } from './data-plane-table.js';
import { chargeWrite, checkIndexBackPressure, indexWriteUnitsOf, write_reserved_units } from './throughput.js';
import { checkRequest } from './validation/check-request.js';
import { returnConsumedCapacity, returnItemCollectionMetrics, table_name_pattern_source } from './validation/common-shapes.js';
import { attributeMap, list, map, request, structure } from './validation/shape.js';

const writeRequest = structure('WriteRequest', {
  DeleteRequest: structure('DeleteRequest', { Key: attributeMap({ notNull: true }) }),
  PutRequest: structure('PutRequest', { Item: attributeMap({ notNull: true }) }),
});

const batchWriteItemShape = request({
  ReturnConsumedCapacity: returnConsumedCapacity(),
  ReturnItemCollectionMetrics: returnItemCollectionMetrics(),
  RequestItems: map(list(writeRequest), {
    notNull: true,
    minLength: 1,
    keys: { maxLength: max_table_name_length, minLength: min_table_name_length, pattern: table_name_pattern_source },
    values: { maxLength: max_batch_write_requests, minLength: 1 },
  }),
});

/** One validated write: a put carries the item, a delete only the key. */
type PlannedWrite = { readonly kind: 'put'; readonly item: Item; readonly key: Item } | { readonly kind: 'delete'; readonly key: Item };

const one_datatype_message =
  'Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes';

/**
 * Inside a batch, DynamoDB reports an item without its key attributes, or with the wrong type,
 * as a key mismatch rather than with PutItem's "Missing the key" / "Type mismatch" texts.
 */
function checkPutKey(table: TableRecord, item: Item): void {
  try {
    validateItemKeyAttributes(table.key, item);
  } catch (error) {
    if (error instanceof DynamoError && /Missing the key|Type mismatch for key/.test(error.message)) throw validationError(key_schema_mismatch_message);
    throw error;
  }
}

export const batchWriteItem: Action = {
  name: 'BatchWriteItem',
  async run(context, rawBody) {
    const body = checkRequest(batchWriteItemShape, rawBody);
    const validated: { tableName: string; writes: { put?: Item; key?: Item }[] }[] = [];
    let total = 0;
    for (const tableName in body.RequestItems) {
      const requests = body.RequestItems[tableName]!;
      for (const each of requests) {
        if ((each.PutRequest === undefined) === (each.DeleteRequest === undefined)) throw validationError(one_datatype_message);
      }
      const writes: { put?: Item; key?: Item }[] = [];
      for (const each of requests) {
        writes.push(each.PutRequest !== undefined ? { put: validateItem(each.PutRequest.Item) } : { key: validateAttributeMap(each.DeleteRequest!.Key) });
      }
      total += requests.length;
      validated.push({ tableName, writes });
    }
    if (total > max_batch_write_requests) throw validationError('Too many items requested for the BatchWriteItem call');

    const plan: { table: TableRecord; tableName: string; writes: PlannedWrite[] }[] = [];
    for (const { tableName, writes } of validated) {
      const table = tableForDataPlane(context.store, tableName);
      const seen = new Set<string>();
      const planned: PlannedWrite[] = [];
      for (const write of writes) {
        let next: PlannedWrite;
        if (write.put !== undefined) {
          checkPutKey(table, write.put);
          checkIndexKeys(table, write.put);
          next = { kind: 'put', item: write.put, key: keyOf(table.key, write.put) };
        } else {
          next = { kind: 'delete', key: validateKey(table.key, write.key!) };
        }
        const encoded = encodeKey(table.key, next.key);
        const identity = `${encoded.hash}:${Buffer.from(encoded.bytes).toString('base64')}`;
        if (seen.has(identity)) throw validationError('Provided list of item keys contains duplicates');
        seen.add(identity);
        planned.push(next);
      }
      plan.push({ table, tableName, writes: planned });
    }

    // An item a transaction in flight holds fails the batch with TransactionConflictException
    // (each write in a batch is serialisable with transactions, as PutItem and DeleteItem are).
    // Checked for every item before the first write, so a conflict seen now writes nothing; the
    // check inside each write catches a transaction that locks the item after this point, and
    // then the batch fails while its other writes stand (a batch is not atomic).
    for (const { table, writes } of plan) for (const write of writes) assertItemNotInTransaction(context.store, table, write.key);
    // Each write is admitted on its own partition, in request order; a throttled one (or one
    // whose GSI update is throttled) comes back in UnprocessedItems. Only when not one write of
    // the whole batch could be served does the batch fail.
    const admission = context.admission;
    const capacities: JsonObject[] = [];
    const unprocessed: JsonObject = {};
    let processed = 0;
    // What the batch answers if not one write could be served: the first refused write's error
    // (the table's, or a GSI's back-pressure).
    let firstThrottle: DynamoError | undefined;
    const written: { tableName: string; table: TableRecord; key: Item; outcome: WriteOutcome }[] = [];
    // Unless the request asks for ItemCollectionMetrics, the store need not read an item
    // collection's size a write leaves unchanged.
    const options = { itemCollectionMetrics: body.ReturnItemCollectionMetrics === 'SIZE' };
    for (const { table, tableName, writes } of plan) {
      const left: JsonObject[] = [];
      const done = await Promise.all(
        writes.map(async (write) => {
          const slot = admission.slotOf(table, write.key);
          let verdict = admission.admit(slot, 'write', write_reserved_units);
          if (verdict === throttled) return admission.throttleError(table);
          const next = write.kind === 'put' ? write.item : undefined;
          try {
            const outcome = await context.store.writeItem(table, write.key, (previous) => {
              assertItemNotInTransaction(context.store, table, write.key);
              if (checkIndexBackPressure(admission, table, previous, next) !== admitted) verdict = reported;
              return next;
            }, options);
            return { slot, verdict, outcome };
          } catch (error) {
            admission.release(slot, 'write', verdict, write_reserved_units);
            if (error instanceof DynamoError && (error.errorName === 'ProvisionedThroughputExceededException' || error.errorName === 'ThrottlingException')) return error;
            throw error;
          }
        }),
      );
      let units = 0;
      // Each index's units over the table's writes, summed from the per-write figures charged below.
      let tableIndexUnits: readonly number[] | undefined;
      for (let i = 0; i < done.length; i++) {
        const result = done[i];
        const write = writes[i]!;
        if (result instanceof DynamoError) {
          left.push(write.kind === 'put' ? { PutRequest: { Item: write.item } } : { DeleteRequest: { Key: write.key } });
          firstThrottle ??= result;
          continue;
        }
        processed++;
        const { outcome } = result;
        written.push({ tableName, table, key: write.key, outcome });
        const writeUnits = writeCapacityUnits(Math.max(outcome.previousSize_bytes, outcome.nextSize_bytes));
        units += writeUnits;
        const indexUnits = indexWriteUnitsOf(table, outcome);
        if (indexUnits !== undefined) tableIndexUnits = tableIndexUnits?.map((sum, k) => sum + indexUnits[k]!) ?? indexUnits;
        chargeWrite(admission, table, result.slot, result.verdict, writeUnits, indexUnits, write_reserved_units);
      }
      if (left.length > 0) unprocessed[tableName] = left;
      const capacity = writeConsumedCapacity(body.ReturnConsumedCapacity, table, tableName, units, tableIndexUnits);
      if (capacity !== undefined) capacities.push(capacity);
    }
    // Only when not one write could be served does the batch fail (API reference, BatchWriteItem),
    // with the error a single write would get (a BatchWriteItem answer recorded against a
    // provisioned table: "...for the table was exceeded...").
    if (processed === 0 && firstThrottle !== undefined) throw firstThrottle;
    const response: JsonObject = { UnprocessedItems: unprocessed };
    if (body.ReturnConsumedCapacity === 'TOTAL' || body.ReturnConsumedCapacity === 'INDEXES') response['ConsumedCapacity'] = capacities;
    const metrics = itemCollectionMetricsByTable(body.ReturnItemCollectionMetrics, written);
    if (metrics !== undefined) response['ItemCollectionMetrics'] = metrics;
    return response;
  },
};
