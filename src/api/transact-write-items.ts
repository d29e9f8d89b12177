/**
 * TransactWriteItems: up to 100 Put, Update, Delete and ConditionCheck actions over one or more
 * tables, applied all together or not at all (the coordinator in txn/ runs prepare and commit).
 *
 * Order of checks: request shape (1 to 100 actions, ClientRequestToken 1 to 36 characters);
 * then action by action: exactly one of the four kinds, expression parameters, attribute values,
 * item size, the expressions; the aggregate size (4 MB); then every table exists (ACTIVE or
 * UPDATING), every key matches its schema, no update writes a key attribute, and no item is named
 * twice. All before anything is read, so a rejected request changes nothing.
 *
 * Conditions and updates are evaluated during prepare, against one state of every item; a failure
 * cancels the whole transaction with one CancellationReason per action (TransactionCanceledException).
 *
 * Idempotency (API reference, ClientRequestToken): a committed transaction's token is stored with
 * its writes and remembered for 10 minutes on the service clock. A retry with the same token and
 * the same parameters answers success without applying anything again, with the first answer's
 * ItemCollectionMetrics (stored with the token) and, as ConsumedCapacity, what reading the items
 * costs; other parameters answer IdempotentParameterMismatchException;
 * a retry while the first is still running answers TransactionInProgressException.
 *
 * Capacity: each Put, Update and Delete costs twice a standard write (1 KB units, the larger of
 * the old and new item) plus twice each index write it causes, each ConditionCheck twice a
 * strongly consistent read (4 KB units).
 */
import { DynamoError, validationError } from '../errors.js';
import { nodeCrypto } from '../lazy-builtins.js';
import { max_item_size_bytes, max_transaction_actions, max_transaction_bytes, transaction_token_ttl_ms } from '../limits.js';
import { keyNames, type Item } from '../model/attribute-value.js';
import { readCapacityUnits, transactional_factor, writeCapacityUnits } from '../model/capacity.js';
import { itemSize } from '../model/item-size.js';
import { validateAttributeMap, validateItemKeyAttributes, validateKey } from '../model/validate-item.js';
import type { ResolvedCondition, ResolvedUpdate } from '../expr/resolved.js';
import { resolveExpressions } from '../expr/resolve.js';
import { applyUpdate, checkKeyAttributesNotUpdated } from '../expr/update.js';
import { keyOf, type TableRecord, type TransactionTokenRecord, type TransactionTokenToStore, type WriteOutcome } from '../partition/table-store.js';
import { lockNameOf } from '../txn/item-locks.js';
import { admitted as admittedVerdict, reported } from '../partition/admission-control.js';
import { transactionCoordinator, type TransactionWrite } from '../txn/transaction-coordinator.js';
import { admitTransaction, chargeWrite, checkIndexBackPressure, indexWriteUnitsOf } from './throughput.js';
import type { Action, JsonObject, ServiceContext } from './action.js';
import { tableForDataPlane } from './data-plane-table.js';
import { checkExpressionParameters, enforceCondition, prepareCondition } from './item-expressions.js';
import { checkIndexKeys, itemCollectionMetricsByTable } from './secondary-indexes.js';
import { capacityByTable, duplicate_item_message, transaction_too_large_message, type TransactionCharge } from './transaction-requests.js';
import { checkRequest } from './validation/check-request.js';
import { expressionAttributeNames, expressionAttributeValues, returnConsumedCapacity, returnItemCollectionMetrics, tableName } from './validation/common-shapes.js';
import { returnValuesOnConditionCheckFailure } from './validation/item-shapes.js';
import { attributeMap, list, request, string, structure } from './validation/shape.js';

/** A transactional write costs twice a standard one, in the table and in each index it updates. */
const min_token_length = 1;
const max_token_length = 36;

const conditionCheck = structure('ConditionCheck', {
  Key: attributeMap({ notNull: true }),
  TableName: tableName(),
  ConditionExpression: string({ notNull: true }),
  ExpressionAttributeNames: expressionAttributeNames(),
  ExpressionAttributeValues: expressionAttributeValues(),
  ReturnValuesOnConditionCheckFailure: returnValuesOnConditionCheckFailure(),
});

const put = structure('Put', {
  Item: attributeMap({ notNull: true }),
  TableName: tableName(),
  ConditionExpression: string(),
  ExpressionAttributeNames: expressionAttributeNames(),
  ExpressionAttributeValues: expressionAttributeValues(),
  ReturnValuesOnConditionCheckFailure: returnValuesOnConditionCheckFailure(),
});

const deleteShape = structure('Delete', {
  Key: attributeMap({ notNull: true }),
  TableName: tableName(),
  ConditionExpression: string(),
  ExpressionAttributeNames: expressionAttributeNames(),
  ExpressionAttributeValues: expressionAttributeValues(),
  ReturnValuesOnConditionCheckFailure: returnValuesOnConditionCheckFailure(),
});

const update = structure('Update', {
  Key: attributeMap({ notNull: true }),
  UpdateExpression: string({ notNull: true }),
  TableName: tableName(),
  ConditionExpression: string(),
  ExpressionAttributeNames: expressionAttributeNames(),
  ExpressionAttributeValues: expressionAttributeValues(),
  ReturnValuesOnConditionCheckFailure: returnValuesOnConditionCheckFailure(),
});

const transactWriteItemsShape = request({
  TransactItems: list(structure('TransactWriteItem', { ConditionCheck: conditionCheck, Put: put, Delete: deleteShape, Update: update }), {
    notNull: true,
    minLength: 1,
    maxLength: max_transaction_actions,
  }),
  ReturnConsumedCapacity: returnConsumedCapacity(),
  ReturnItemCollectionMetrics: returnItemCollectionMetrics(),
  ClientRequestToken: string({ minLength: min_token_length, maxLength: max_token_length }),
});

const one_action_message = 'TransactItems can only contain one of Check, Put, Update or Delete';
const token_mismatch_message = 'The request uses the same client token as a previous, but non-identical request.';

/** One validated action, before its table is looked up. */
type PlannedAction =
  | { readonly kind: 'check'; readonly tableName: string; readonly key: Item; readonly condition: ResolvedCondition; readonly returnOld: boolean }
  | { readonly kind: 'put'; readonly tableName: string; readonly item: Item; readonly condition: ResolvedCondition | undefined; readonly returnOld: boolean }
  | { readonly kind: 'delete'; readonly tableName: string; readonly key: Item; readonly condition: ResolvedCondition | undefined; readonly returnOld: boolean }
  | {
      readonly kind: 'update';
      readonly tableName: string;
      readonly key: Item;
      readonly update: ResolvedUpdate;
      readonly condition: ResolvedCondition | undefined;
      readonly returnOld: boolean;
    };

type TransactWriteItemsBody = ReturnType<typeof checkRequest<typeof transactWriteItemsShape>>;
type TransactWriteItem = TransactWriteItemsBody['TransactItems'][number];

function planAction(each: TransactWriteItem): PlannedAction {
  const kinds = (each.ConditionCheck !== undefined ? 1 : 0) + (each.Put !== undefined ? 1 : 0) + (each.Delete !== undefined ? 1 : 0) + (each.Update !== undefined ? 1 : 0);
  if (kinds !== 1) throw validationError(one_action_message);
  if (each.Put !== undefined) {
    const action = each.Put;
    checkExpressionParameters(action, ['ConditionExpression'], []);
    const item = validateAttributeMap(action.Item);
    if (itemSize(item) > max_item_size_bytes) throw validationError('Item size has exceeded the maximum allowed size');
    return { kind: 'put', tableName: action.TableName, item, condition: prepareCondition(declaredCondition(action)), returnOld: action.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' };
  }
  if (each.Update !== undefined) {
    const action = each.Update;
    checkExpressionParameters(action, ['UpdateExpression', 'ConditionExpression'], []);
    const key = validateAttributeMap(action.Key);
    const resolved = resolveExpressions(
      { UpdateExpression: action.UpdateExpression, ConditionExpression: action.ConditionExpression },
      action.ExpressionAttributeNames,
      action.ExpressionAttributeValues,
    );
    return {
      kind: 'update',
      tableName: action.TableName,
      key,
      update: resolved.update!,
      condition: resolved.condition,
      returnOld: action.ReturnValuesOnConditionCheckFailure === 'ALL_OLD',
    };
  }
  if (each.Delete !== undefined) {
    const action = each.Delete;
    checkExpressionParameters(action, ['ConditionExpression'], []);
    const key = validateAttributeMap(action.Key);
    return { kind: 'delete', tableName: action.TableName, key, condition: prepareCondition(declaredCondition(action)), returnOld: action.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' };
  }
  const action = each.ConditionCheck!;
  checkExpressionParameters(action, ['ConditionExpression'], []);
  const key = validateAttributeMap(action.Key);
  return { kind: 'check', tableName: action.TableName, key, condition: prepareCondition(declaredCondition(action))!, returnOld: action.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' };
}

/**
 * Only the condition members a transaction action declares. The legacy `Expected` is not one of
 * them: DynamoDB's deserialiser ignores it like any unknown member, so it must not reach
 * prepareCondition unvalidated (it answered 500 when malformed).
 */
function declaredCondition(action: DeclaredCondition): DeclaredCondition {
  return { ConditionExpression: action.ConditionExpression, ExpressionAttributeNames: action.ExpressionAttributeNames, ExpressionAttributeValues: action.ExpressionAttributeValues };
}

type DeclaredCondition = Pick<Parameters<typeof prepareCondition>[0], 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'>;

function removesOnly(action: ResolvedUpdate['actions'][number]): boolean {
  return action.kind === 'remove' || action.kind === 'delete';
}

/** The action's pure step for the coordinator: condition first, then the write it makes. */
function applyOf(action: PlannedAction, table: TableRecord): TransactionWrite['apply'] {
  switch (action.kind) {
    case 'check':
      return (previous) => {
        enforceCondition(action.condition, previous, action.returnOld);
        return previous;
      };
    case 'put':
      return (previous) => {
        enforceCondition(action.condition, previous, action.returnOld);
        return action.item;
      };
    case 'delete':
      return (previous) => {
        enforceCondition(action.condition, previous, action.returnOld);
        return undefined;
      };
    case 'update':
      return (previous) => {
        enforceCondition(action.condition, previous, action.returnOld);
        // As UpdateItem: an update of only REMOVE and DELETE actions does not create the item.
        if (previous === undefined && action.update.actions.length > 0 && action.update.actions.every(removesOnly)) return undefined;
        const next = applyUpdate(action.update, previous ?? action.key).item;
        // As UpdateItem: the updated item's index keys must have their index's type and size.
        checkIndexKeys(table, next);
        return next;
      };
  }
}

/** Identifies a request's parameters for its ClientRequestToken (ReturnConsumedCapacity aside). */
function fingerprintOf(body: TransactWriteItemsBody): string {
  return nodeCrypto().createHash('sha256')
    .update(JSON.stringify([body.TransactItems, body.ReturnItemCollectionMetrics ?? null]))
    .digest('base64');
}

export const transactWriteItems: Action = {
  name: 'TransactWriteItems',
  async run(context, rawBody) {
    const body = checkRequest(transactWriteItemsShape, rawBody);
    const planned = body.TransactItems.map(planAction);
    let size_bytes = 0;
    for (const action of planned) if (action.kind === 'put') size_bytes += itemSize(action.item);
    if (size_bytes > max_transaction_bytes) throw validationError(transaction_too_large_message);

    const writes: TransactionWrite[] = [];
    const seen = new Set<string>();
    for (const action of planned) {
      const table = tableForDataPlane(context.store, action.tableName);
      let key: Item;
      if (action.kind === 'put') {
        validateItemKeyAttributes(table.key, action.item);
        checkIndexKeys(table, action.item);
        key = keyOf(table.key, action.item);
      } else {
        key = validateKey(table.key, action.key);
        if (action.kind === 'update') checkKeyAttributesNotUpdated(action.update, keyNames(table.key));
      }
      const name = lockNameOf(table, key);
      if (seen.has(name)) throw validationError(duplicate_item_message);
      seen.add(name);
      writes.push({ table, key, apply: applyOf(action, table) });
    }

    const token = body.ClientRequestToken;
    if (token === undefined) return execute(context, body, planned, writes, undefined);
    const coordinator = transactionCoordinator(context.store);
    return coordinator.withToken(token, () => {
      const fingerprint = fingerprintOf(body);
      const remembered = context.store.readTransactionToken(token);
      if (remembered !== undefined) {
        if (remembered.fingerprint !== fingerprint) throw new DynamoError('IdempotentParameterMismatchException', token_mismatch_message);
        return Promise.resolve(replay(context, body, planned, writes, remembered));
      }
      return execute(context, body, planned, writes, fingerprint);
    });
  },
};

async function execute(
  context: ServiceContext,
  body: TransactWriteItemsBody,
  planned: readonly PlannedAction[],
  writes: readonly TransactionWrite[],
  fingerprint: string | undefined,
): Promise<JsonObject> {
  // Every action is admitted on its partition before the transaction runs (a ConditionCheck as a
  // read); a throttled one cancels it, named in CancellationReasons.
  const admission = context.admission;
  const admitted = admitTransaction(admission, planned.map((action, i) => ({ table: writes[i]!.table, key: writes[i]!.key, kind: action.kind === 'check' ? 'read' : 'write' })));
  // As for a single write, a write that would update a GSI out of write capacity is refused
  // (its reason: ProvisionedThroughputExceeded or ThrottlingError with the GSI message);
  // report mode lets it through, counted.
  const checked = writes.map((write, i): TransactionWrite => {
    if (planned[i]!.kind === 'check' || !(write.table.indexes ?? []).some((index) => index.kind === 'global')) return write;
    return {
      ...write,
      apply: (previous) => {
        const next = write.apply(previous);
        if (checkIndexBackPressure(admission, write.table, previous, next) !== admittedVerdict) admitted.verdicts[i] = reported;
        return next;
      },
    };
  });
  // ItemCollectionMetrics are made inside the commit, from the sizes it leaves, and stored with
  // the token, so a retry answers them again.
  let metrics: JsonObject | undefined;
  const metricsOf = (outcomes: readonly WriteOutcome[]): JsonObject | undefined => {
    // Writes only: a ConditionCheck affects no item collection.
    const written = writes.flatMap((write, i) => (planned[i]!.kind === 'check' ? [] : [{ tableName: planned[i]!.tableName, table: write.table, key: write.key, outcome: outcomes[i]! }]));
    return itemCollectionMetricsByTable(body.ReturnItemCollectionMetrics, written);
  };
  const token: TransactionTokenToStore | undefined =
    fingerprint === undefined
      ? undefined
      : {
          token: body.ClientRequestToken!,
          expiresAt_ms: context.config.clock.now() + transaction_token_ttl_ms,
          fingerprint,
          responseOf: (outcomes) => {
            metrics = metricsOf(outcomes);
            return metrics === undefined ? {} : { ItemCollectionMetrics: metrics };
          },
        };
  let outcomes;
  try {
    outcomes = await transactionCoordinator(context.store).write(checked, token);
  } catch (error) {
    admitted.releaseAll();
    throw error;
  }
  const charges = planned.map((action, i) => {
    const { previous, next } = outcomes[i]!;
    const table = writes[i]!.table;
    const slot = admitted.slots[i]!;
    const verdict = admitted.verdicts[i]!;
    if (action.kind === 'check') {
      const units = readCapacityUnits(previous === undefined ? 0 : itemSize(previous), { consistent: true, transactional: true });
      admission.charge(slot, 'read', units, verdict, admitted.reserved[i]!);
      return { tableName: action.tableName, units };
    }
    const larger_bytes = Math.max(previous === undefined ? 0 : itemSize(previous), next === undefined ? 0 : itemSize(next));
    const units = writeCapacityUnits(larger_bytes, { transactional: true });
    // Index writes are transactional too: twice their units.
    const indexUnits = indexWriteUnitsOf(table, outcomes[i]!)?.map((each) => each * transactional_factor);
    chargeWrite(admission, table, slot, verdict, units, indexUnits, admitted.reserved[i]!);
    return indexUnits === undefined ? { tableName: action.tableName, units } : { tableName: action.tableName, units, indexes: table.indexes!, indexUnits };
  });
  const response = withCapacity(body, charges);
  if (token === undefined) metrics = metricsOf(outcomes);
  if (metrics !== undefined) response['ItemCollectionMetrics'] = metrics;
  return response;
}

/**
 * A retry of a committed transaction: nothing is written. It answers what the first call
 * answered (its ItemCollectionMetrics, remembered with the token), except ConsumedCapacity, which
 * is what reading the items costs (developer guide, "Idempotency": "Subsequent TransactWriteItems
 * calls with the same client token return the number of read capacity units consumed in reading
 * the item").
 */
function replay(context: ServiceContext, body: TransactWriteItemsBody, planned: readonly PlannedAction[], writes: readonly TransactionWrite[], remembered: TransactionTokenRecord): JsonObject {
  const charges = writes.map((write, i) => {
    const item = context.store.getItem(write.table, write.key);
    return { tableName: planned[i]!.tableName, units: readCapacityUnits(item === undefined ? 0 : itemSize(item), { consistent: true }) };
  });
  const response = withCapacity(body, charges);
  const metrics = remembered.response['ItemCollectionMetrics'];
  if (metrics !== undefined) response['ItemCollectionMetrics'] = metrics as JsonObject;
  return response;
}

function withCapacity(body: TransactWriteItemsBody, charges: readonly TransactionCharge[]): JsonObject {
  const response: JsonObject = {};
  const capacity = capacityByTable(body.ReturnConsumedCapacity, charges);
  if (capacity !== undefined) response['ConsumedCapacity'] = capacity;
  return response;
}
