/**
 * DescribeTimeToLive: ENABLED with the attribute name, or DISABLED. Dynabase applies a TTL change
 * at once, as DynamoDB Local does, so ENABLING and DISABLING are never reported.
 */
import type { Action, JsonObject, ServiceContext } from './action.js';
import { requireTable } from './table-description.js';
import { controlPlaneTableName } from './validation/common-shapes.js';
import { checkRequest } from './validation/check-request.js';
import { request } from './validation/shape.js';

const shape = request({ TableName: controlPlaneTableName() });

async function run(context: ServiceContext, rawBody: JsonObject): Promise<JsonObject> {
  const body = checkRequest(shape, rawBody);
  const record = await requireTable(context, body.TableName);
  const ttl = record.timeToLive;
  return {
    TimeToLiveDescription:
      ttl?.enabled === true ? { TimeToLiveStatus: 'ENABLED', AttributeName: ttl.attributeName } : { TimeToLiveStatus: 'DISABLED' },
  };
}

export const describeTimeToLive: Action = { name: 'DescribeTimeToLive', run };
