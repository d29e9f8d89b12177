/**
 * The node:http side of the wire: collects the body (refusing an oversize one without buffering
 * it), hands the request to `handleDynamoRequest` and writes its answer. No framework: one flat
 * listener on the hot path.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { max_request_body_bytes } from '../limits.js';
import type { Service } from '../service.js';
import type { DynamoHttpResponse } from './handle-dynamo-request.js';
import { handleDynamoRequest, requestTooLargeResponse } from './handle-dynamo-request.js';

export type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;

export function createRequestListener(service: Service): RequestListener {
  return function dynamoRequestListener(request: IncomingMessage, response: ServerResponse): void {
    const declaredLength = request.headers['content-length'];
    if (declaredLength !== undefined && Number(declaredLength) > max_request_body_bytes) {
      refuseOversizeBody(request, response);
      return;
    }
    const chunks: Buffer[] = [];
    let size_bytes = 0;
    let refused = false;
    request.on('data', (chunk: Buffer) => {
      if (refused) return;
      size_bytes += chunk.length;
      if (size_bytes > max_request_body_bytes) {
        // A chunked body grew past the limit: drop what we have and refuse the rest.
        refused = true;
        chunks.length = 0;
        refuseOversizeBody(request, response);
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (refused) return;
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size_bytes);
      handleDynamoRequest(service, { method: request.method ?? 'GET', path: request.url ?? '/', headers: request.headers, body }).then(
        (answer) => writeAnswer(response, answer),
        (error: unknown) => {
          // handleDynamoRequest never rejects; this is a last line of defence so that no request
          // is ever left hanging.
          process.stderr.write(`dynabase: unexpected failure answering a request: ${String(error)}\n`);
          if (!response.headersSent) response.writeHead(500);
          response.end();
        },
      );
    });
    // A client that goes away mid-request leaves nothing to answer.
    request.on('error', () => {});
  };
}

function writeAnswer(response: ServerResponse, answer: DynamoHttpResponse): void {
  response.writeHead(answer.statusCode, answer.headers);
  response.end(answer.body);
}

/**
 * Answers 413 at once and closes the connection after it, discarding (never buffering) whatever
 * of the body is still arriving so the client can read the answer.
 */
function refuseOversizeBody(request: IncomingMessage, response: ServerResponse): void {
  const answer = requestTooLargeResponse(request.headers['origin'] !== undefined);
  answer.headers['Connection'] = 'close';
  writeAnswer(response, answer);
  request.resume();
}
