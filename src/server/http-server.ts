/**
 * The HTTP listener: a plain node:http server running `createRequestListener`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { max_request_body_bytes } from '../limits.js';
import type { Service } from '../service.js';
import { createRequestListener } from './request-listener.js';

export interface HttpListener {
  /** The bound port (the chosen one when asked for port 0). */
  readonly port: number;
  readonly host: string;
  /** Stops accepting connections, lets requests in flight finish, then resolves. */
  close(): Promise<void>;
}

export function listenHttp(service: Service, port: number, host: string): Promise<HttpListener> {
  const listener = createRequestListener(service);
  const server = createServer(listener);
  // `Expect: 100-continue`: invite the body only if it may be accepted; an oversize one is
  // refused by the listener before the client sends it.
  server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => {
    if (!(Number(request.headers['content-length']) > max_request_body_bytes)) response.writeContinue();
    listener(request, response);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      resolve({
        port: address.port,
        host,
        close: () =>
          new Promise<void>((resolveClose, rejectClose) => {
            server.close((error) => (error ? rejectClose(error) : resolveClose()));
            // Keep-alive connections with no request in flight would otherwise hold close open.
            server.closeIdleConnections();
          }),
      });
    });
  });
}
