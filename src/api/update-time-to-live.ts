/**
 * UpdateTimeToLive: enables TTL on an attribute or disables it. DynamoDB refuses a no-op ("already
 * enabled" / "already disabled"; enabling another attribute while enabled names the current one) and a
 * second change within an hour of the previous one; the hour is measured on config.clock. The
 * change applies at once (see describe-time-to-live.ts). Expiring items is the TTL sweeper's job.
 */
import { validationError } from '../errors.js';
import type { Action, JsonObject, ServiceContext } from './action.js';
import { requireTable } from './table-description.js';
import { controlPlaneTableName } from './validation/common-shapes.js';
import { checkRequest } from './validation/check-request.js';
import { boolean, request, string, structure } from './validation/shape.js';

/** DynamoDB accepts one TTL change per table per hour. */
export const ttl_change_interval_ms = 60 * 60 * 1000;
/** TTL attribute names: 1 to 255 characters. */
const max_ttl_attribute_name_length = 255;

const shape = request({
  TableName: controlPlaneTableName(),
  TimeToLiveSpecification: structure(
    'TimeToLiveSpecification',
    {
      AttributeName: string({ notNull: true, minLength: 1, maxLength: max_ttl_attribute_name_length }),
      Enabled: boolean({ notNull: true }),
    },
    { notNull: true },
  ),
});

async function run(context: ServiceContext, rawBody: JsonObject): Promise<JsonObject> {
  const body = checkRequest(shape, rawBody);
  const { AttributeName: attributeName, Enabled: enabled } = body.TimeToLiveSpecification;
  const record = await requireTable(context, body.TableName);
  const current = record.timeToLive;
  const currentlyEnabled = current?.enabled === true;
  // Enabling another attribute while TTL is on names the current one, ahead of the hourly limit
  // (recorded against DynamoDB, ack-api-quirks DDB-TABLE-442, live, 2026-10).
  if (enabled && currentlyEnabled && current.attributeName !== attributeName) {
    throw validationError(`TimeToLive is active on a different AttributeName: current AttributeName is ${current.attributeName}`);
  }
  if (enabled && currentlyEnabled) throw validationError('TimeToLive is already enabled');
  if (!enabled && !currentlyEnabled) throw validationError('TimeToLive is already disabled');
  const now_ms = context.config.clock.now();
  if (current !== undefined && now_ms - current.changedAt_ms < ttl_change_interval_ms) {
    throw validationError('Time to live has been modified multiple times within a fixed interval');
  }
  await context.store.saveTable({ ...record, timeToLive: { attributeName, enabled, changedAt_ms: now_ms } });
  return { TimeToLiveSpecification: { Enabled: enabled, AttributeName: attributeName } };
}

export const updateTimeToLive: Action = { name: 'UpdateTimeToLive', run };
