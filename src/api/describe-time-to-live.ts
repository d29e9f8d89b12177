/**
 * DescribeTimeToLive: ENABLING or ENABLED with the attribute name, DISABLING (still naming it) or
 * DISABLED. A change settles after config.tableStateDelays.updateTimeToLive_ms (DynamoDB takes up
 * to an hour); by default at once, as DynamoDB Local does. Items expire only once ENABLED.
 */
import type { Action, JsonObject, ServiceContext } from './action.js';
import { timeToLiveStatus } from '../ttl/ttl-sweeper.js';
import { requireTable } from './table-description.js';
import { controlPlaneTableName } from './validation/common-shapes.js';
import { checkRequest } from './validation/check-request.js';
import { request } from './validation/shape.js';

const shape = request({ TableName: controlPlaneTableName() });

async function run(context: ServiceContext, rawBody: JsonObject): Promise<JsonObject> {
  const body = checkRequest(shape, rawBody);
  const record = await requireTable(context, body.TableName);
  const ttl = record.timeToLive;
  const status = timeToLiveStatus(ttl, context.config.clock.now(), context.config.tableStateDelays.updateTimeToLive_ms ?? 0);
  return {
    TimeToLiveDescription: status === 'DISABLED' ? { TimeToLiveStatus: status } : { TimeToLiveStatus: status, AttributeName: ttl!.attributeName },
  };
}

export const describeTimeToLive: Action = { name: 'DescribeTimeToLive', run };
