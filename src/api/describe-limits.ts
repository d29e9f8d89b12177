/** DescribeLimits: the provisioned-capacity quotas in force (config.quotas). */
import type { Action, JsonObject, ServiceContext } from './action.js';

function run(context: ServiceContext): JsonObject {
  const quotas = context.config.quotas;
  return {
    AccountMaxReadCapacityUnits: quotas.accountMaxReadCapacityUnits,
    AccountMaxWriteCapacityUnits: quotas.accountMaxWriteCapacityUnits,
    TableMaxReadCapacityUnits: quotas.tableMaxReadCapacityUnits,
    TableMaxWriteCapacityUnits: quotas.tableMaxWriteCapacityUnits,
  };
}

export const describeLimits: Action = { name: 'DescribeLimits', run };
