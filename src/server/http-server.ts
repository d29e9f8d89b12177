/**
 * The HTTP listener: a node:net server whose connections speak HTTP/1.1 through
 * `Http1Connection` (http1-connection.ts says why not node:http) and answer through
 * `handleDynamoRequest`. Connection timeouts follow node:http's defaults.
 */
import type { AddressInfo, Socket } from 'node:net';
import { createServer } from 'node:net';
import type { Service } from '../service.js';
import { handleDynamoRequest } from './handle-dynamo-request.js';
import { Http1Connection, type AnswerRequest } from './http1-connection.js';

/** An idle keep-alive connection is closed after this (node:http's `keepAliveTimeout`). */
const keep_alive_timeout_ms = 5_000;
/** A request head must arrive within this (node:http's `headersTimeout`). */
const headers_timeout_ms = 60_000;
/** A whole request must arrive within this (node:http's `requestTimeout`). */
const request_timeout_ms = 300_000;
/** How often connections are checked against those timeouts. */
const timeout_check_interval_ms = 1_000;

export interface HttpListener {
  /** The bound port (the chosen one when asked for port 0). */
  readonly port: number;
  readonly host: string;
  /** Stops accepting connections, lets requests in flight finish, then resolves. */
  close(): Promise<void>;
}

export function listenHttp(service: Service, port: number, host: string): Promise<HttpListener> {
  const connections = new Set<Http1Connection>();
  const answer: AnswerRequest = (request) => handleDynamoRequest(service, request);
  const server = createServer((socket: Socket) => {
    const connection = new Http1Connection(socket, answer, performance.now());
    connections.add(connection);
    socket.once('close', () => connections.delete(connection));
  });
  const timeoutCheck = setInterval(() => {
    const now_ms = performance.now();
    for (const connection of connections) connection.checkTimeout(now_ms, keep_alive_timeout_ms, headers_timeout_ms, request_timeout_ms);
  }, timeout_check_interval_ms);
  timeoutCheck.unref();

  return new Promise((resolve, reject) => {
    server.once('error', (error) => {
      clearInterval(timeoutCheck);
      reject(error);
    });
    server.listen(port, host, () => {
      server.removeAllListeners('error');
      const address = server.address() as AddressInfo;
      resolve({
        port: address.port,
        host,
        close: () =>
          new Promise<void>((resolveClose, rejectClose) => {
            clearInterval(timeoutCheck);
            // Resolves once every connection has closed: idle ones now, busy ones after their answer.
            server.close((error) => (error ? rejectClose(error) : resolveClose()));
            for (const connection of connections) connection.drain();
          }),
      });
    });
  });
}
