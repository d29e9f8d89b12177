/**
 * DescribeTimeToLive: ENABLING or ENABLED with the attribute name, DISABLING (still naming it) or
 * DISABLED. A change settles after config.tableStateDelays.updateTimeToLive_ms (DynamoDB takes up
 * to an hour); by default at once, as DynamoDB Local does. Items expire only once ENABLED. A table
 * that is CREATING or DELETING is refused, as DynamoDB does.
 */
import type { Action, JsonObject, ServiceContext } from './action.js';
import { timeToLiveStatus } from '../ttl/ttl-sweeper.js';
import { validationError } from '../errors.js';
import { descriptionOf, requireTable } from './table-description.js';
import { controlPlaneTableName } from './validation/common-shapes.js';
import { checkRequest } from './validation/check-request.js';
import { request } from './validation/shape.js';

const shape = request({ TableName: controlPlaneTableName() });

async function run(context: ServiceContext, rawBody: JsonObject): Promise<JsonObject> {
  const body = checkRequest(shape, rawBody);
  const record = await requireTable(context, body.TableName);
  // A table still being created or already being deleted has no TTL to describe (recorded
  // against DynamoDB, ack-api-quirks DDB-TABLE-442, 2026-10).
  const tableStatus = descriptionOf(record).TableStatus;
  if (tableStatus === 'CREATING' || tableStatus === 'DELETING') {
    throw validationError(`Cannot describe time to live while table is in ${tableStatus} state: Current table state is ${tableStatus}`);
  }
  const ttl = record.timeToLive;
  const status = timeToLiveStatus(ttl, context.config.clock.now(), context.config.tableStateDelays.updateTimeToLive_ms ?? 0);
  return {
    TimeToLiveDescription: status === 'DISABLED' ? { TimeToLiveStatus: status } : { TimeToLiveStatus: status, AttributeName: ttl!.attributeName },
  };
}

export const describeTimeToLive: Action = { name: 'DescribeTimeToLive', run };
