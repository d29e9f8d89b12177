/**
 * DeleteTable: refuses a protected table and one that is not ACTIVE, marks the table DELETING and
 * answers with its description; the table and its data go after
 * config.tableStateDelays.deleteTable_ms.
 */
import { resourceInUse, validationError } from '../errors.js';
import type { Action, JsonObject, ServiceContext } from './action.js';
import { descriptionOf, liveDescription, requireTable, scheduleTransition, withDescription } from './table-description.js';
import type { TableDescription } from './table-description.js';
import { controlPlaneTableName } from './validation/common-shapes.js';
import { checkRequest } from './validation/check-request.js';
import { request } from './validation/shape.js';

const shape = request({ TableName: controlPlaneTableName() });

/** Why DynamoDB refuses to change a table in a transitional state. */
export function tableInUse(description: TableDescription): string | undefined {
  switch (description.TableStatus) {
    case 'CREATING':
      return `Attempt to change a resource which is still in use: Table is being created: ${description.TableName}`;
    case 'UPDATING':
      return `Attempt to change a resource which is still in use: Table: ${description.TableName} is in the process of being updated.`;
    case 'DELETING':
      return `Attempt to change a resource which is still in use: Table is being deleted: ${description.TableName}`;
    case 'ACTIVE':
      return undefined;
  }
}

async function run(context: ServiceContext, rawBody: JsonObject): Promise<JsonObject> {
  const body = checkRequest(shape, rawBody);
  const record = await requireTable(context, body.TableName);
  const description = descriptionOf(record);
  if (description.DeletionProtectionEnabled) {
    throw validationError('Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.');
  }
  const inUse = tableInUse(description);
  if (inUse !== undefined) throw resourceInUse(inUse);
  const deleting = withDescription(record, { ...description, TableStatus: 'DELETING' });
  const answer = liveDescription(context, record);
  answer.TableStatus = 'DELETING';
  await context.store.saveTable(deleting);
  // A DELETING table serves no data-plane request: its buckets and metrics go now.
  context.admission.forget(record.id);
  await scheduleTransition(context, body.TableName, context.config.tableStateDelays.deleteTable_ms);
  return { TableDescription: answer };
}

export const deleteTable: Action = { name: 'DeleteTable', run };
