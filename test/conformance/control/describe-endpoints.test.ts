/** DescribeEndpoints through the AWS SDK v3. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DescribeEndpointsCommand } from '@aws-sdk/client-dynamodb';
import type { TestServer } from '../../helpers/test-server.js';
import { startTestServer } from '../../helpers/test-server.js';

describe('DescribeEndpoints', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  test('the regional endpoint, cached for a day', async () => {
    const { Endpoints } = await server.client.send(new DescribeEndpointsCommand({}));
    assert.deepEqual(Endpoints, [{ Address: 'dynamodb.us-east-1.amazonaws.com', CachePeriodInMinutes: 1440 }]);
  });
});
