/**
 * The DynamoDB Streams API as the consumers (`onStream`, `dynabase tail`) call it: one operation
 * name and JSON body in, the JSON answer out, errors thrown with DynamoDB's error name as their
 * `name`. Two transports: in-process (straight to the Streams actions, with the same validation
 * a network request gets) and HTTP (any DynamoDB-compatible endpoint that serves
 * `DynamoDBStreams_20120810.*`; requests carry a well-formed but unsigned SigV4 header, which
 * local servers accept and AWS does not). The HTTP transport also serves `dynabase indexes`, which
 * calls DynamoDB's own DescribeTable (`httpDynamoDbApi`).
 */
import type { JsonObject, ServiceContext } from '../api/action.js';
import { DynamoError } from '../errors.js';
import { streamActionsByName } from './stream-actions.js';

export interface StreamsApi {
  call(operation: string, body: JsonObject): Promise<JsonObject>;
}

/** The consumers' errors: DynamoDB's name (e.g. ExpiredIteratorException) and message. */
export class StreamsApiError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export function inProcessStreamsApi(context: ServiceContext): StreamsApi {
  return {
    async call(operation, body) {
      const action = streamActionsByName.get(operation);
      if (action === undefined) throw new StreamsApiError('UnknownOperationException', operation);
      // A JSON round trip, as over the wire: the caller gets its own copy of stored images.
      return JSON.parse(JSON.stringify(await action.run(context, JSON.parse(JSON.stringify(body)) as JsonObject))) as JsonObject;
    },
  };
}

const streams_target_prefix = 'DynamoDBStreams_20120810.';
const dynamodb_target_prefix = 'DynamoDB_20120810.';

function amzDate(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

export function httpStreamsApi(endpoint: string, region: string): StreamsApi {
  return httpApi(endpoint, region, streams_target_prefix);
}

/** DynamoDB's own operations (`DynamoDB_20120810.*`) over the same HTTP transport. */
export function httpDynamoDbApi(endpoint: string, region: string): StreamsApi {
  return httpApi(endpoint, region, dynamodb_target_prefix);
}

function httpApi(endpoint: string, region: string, targetPrefix: string): StreamsApi {
  return {
    async call(operation, body) {
      const date = amzDate(new Date());
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': targetPrefix + operation,
          'x-amz-date': date,
          authorization: `AWS4-HMAC-SHA256 Credential=dynabase/${date.slice(0, 8)}/${region}/dynamodb/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=${'0'.repeat(64)}`,
        },
        body: JSON.stringify(body),
      });
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new StreamsApiError('InternalServerError', `${operation}: HTTP ${response.status}: ${text.slice(0, 200)}`);
      }
      if (response.status !== 200) {
        const envelope = parsed as { __type?: string; message?: string; Message?: string };
        const type = envelope.__type ?? 'UnknownError';
        throw new StreamsApiError(type.slice(type.indexOf('#') + 1), envelope.message ?? envelope.Message ?? '');
      }
      return parsed as JsonObject;
    },
  };
}

/** Whether an error (from either transport) carries this DynamoDB error name. */
export function isStreamsError(error: unknown, name: string): boolean {
  return (error instanceof DynamoError || error instanceof StreamsApiError) && error.name === name;
}
