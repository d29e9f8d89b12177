/**
 * DescribeTable: the table's full TableDescription with its live figures, or
 * "Requested resource not found: Table: <name> not found".
 */
import type { Action, JsonObject, ServiceContext } from './action.js';
import { liveDescription, requireTable } from './table-description.js';
import { controlPlaneTableName } from './validation/common-shapes.js';
import { checkRequest } from './validation/check-request.js';
import { request } from './validation/shape.js';

const shape = request({ TableName: controlPlaneTableName() });

async function run(context: ServiceContext, rawBody: JsonObject): Promise<JsonObject> {
  const body = checkRequest(shape, rawBody);
  const record = await requireTable(context, body.TableName);
  return { Table: liveDescription(context, record) };
}

export const describeTable: Action = { name: 'DescribeTable', run };
