/**
 * DescribeEndpoints: DynamoDB answers its regional endpoint, cacheable for a day. Clients that use
 * endpoint discovery only cache it; they keep talking to the endpoint they were configured with.
 */
import type { Action, JsonObject, ServiceContext } from './action.js';

const endpoint_cache_minutes = 1440;

function run(context: ServiceContext): JsonObject {
  return { Endpoints: [{ Address: `dynamodb.${context.config.region}.amazonaws.com`, CachePeriodInMinutes: endpoint_cache_minutes }] };
}

export const describeEndpoints: Action = { name: 'DescribeEndpoints', run };
