/**
 * A Dynabase service for transaction tests: in process (no socket), with a manual clock and the
 * service's own store at hand, so a test can hold a transaction in its prepared state through
 * the coordinator's hook and move time past a token's lifetime.
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { defaultConfig } from '../../../src/config.js';
import { createInProcessHandler } from '../../../src/server/in-process-handler.js';
import { openService, type Service } from '../../../src/service.js';
import { transactionCoordinator, type TransactionCoordinator } from '../../../src/txn/transaction-coordinator.js';
import { tableDefinition } from '../../helpers/tables.js';
import { test_credentials } from '../../helpers/test-server.js';
import { ManualClock } from '../../helpers/manual-clock.js';

export interface TransactionService {
  readonly service: Service;
  readonly client: DynamoDBClient;
  readonly clock: ManualClock;
  readonly coordinator: TransactionCoordinator;
  close(): Promise<void>;
}

export async function startTransactionService(dataDir?: string): Promise<TransactionService> {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const service = await openService({ ...defaultConfig, dataDir, durability: 'relaxed', clock });
  const client = new DynamoDBClient({ requestHandler: createInProcessHandler(service), region: 'us-east-1', credentials: test_credentials, maxAttempts: 1 });
  return {
    service,
    client,
    clock,
    coordinator: transactionCoordinator(service.context.store),
    async close() {
      client.destroy();
      await service.close();
    },
  };
}

/** A table keyed by `pk` (S), or `pk` + `sk` (N). */
export async function createTable(client: DynamoDBClient, name: string, withRange = false): Promise<void> {
  await client.send(new CreateTableCommand(tableDefinition({ TableName: name, key: withRange ? { pk: 'S', sk: 'N' } : { pk: 'S' } })));
}
