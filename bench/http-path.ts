/**
 * The HTTP path alone, no socket and no storage: the exact bytes undici sends for issue 5's
 * PutItem (bench-kit's headers, a 1 KB item) fed to `Http1Connection` on in-memory sockets,
 * 16 connections each with one request in flight, and the CPU µs per request of this process.
 * The CPU the kernel's read and write would add is left out (fixed per request); so is the work
 * of node's stream machinery between the socket and the connection.
 *
 *   node dist/bench/http-path.js [--answer canned|core] [--windows 30] [--window-ms 300] [--against <checkout>]
 *
 * `--answer canned` (default) answers every request with `{}` through the build's own
 * `jsonResponse`: framing, head parsing and answer writing. `--answer core` sends ListTables
 * (body `{}`) to the build's `handleDynamoRequest` on an empty in-memory service: the request
 * core's checks (JSON, target, authentication), its request id and answer too. `--against`
 * runs another checkout's build (its compiled `dist/`) in the same process, windows alternating
 * (ABBA): on a shared machine, compare the two builds' figures from one run, never two runs.
 * A string written to a socket is encoded here, as node's `writeUtf8String` would, so a build
 * writing strings is charged for it.
 */
import { EventEmitter } from 'node:events';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultConfig } from '../src/config.js';
import { handleDynamoRequest, jsonResponse } from '../src/server/handle-dynamo-request.js';
import { Http1Connection, type AnswerRequest } from '../src/server/http1-connection.js';
import { newRequestId } from '../src/server/request-id.js';
import { openService } from '../src/service.js';
import { parseArgs, requestHeaders } from './bench-kit.js';

const args = parseArgs(process.argv.slice(2));
const mode = args.get('answer') ?? 'canned';
const windows = Number(args.get('windows') ?? 30);
const window_ms = Number(args.get('window-ms') ?? 300);
const against = args.get('against');
const connections = 16;

if (mode !== 'canned' && mode !== 'core') throw new Error(`--answer is canned or core, not ${mode}`);

/** A request as undici writes it: its own host and connection fields, then the call's headers. */
function requestBytes(target: string, body: string): Buffer {
  let head = `POST / HTTP/1.1\r\nhost: 127.0.0.1:8000\r\nconnection: keep-alive\r\n`;
  for (const [name, value] of Object.entries(requestHeaders(target))) head += `${name}: ${value}\r\n`;
  head += `content-length: ${Buffer.byteLength(body)}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), Buffer.from(body)]);
}

const item = { pk: { S: 'customer-7' }, sk: { S: 'order-7' }, status: { S: 'OPEN' }, total: { N: '7' }, payload: { S: 'x'.repeat(830) } };
const request = mode === 'canned' ? requestBytes('PutItem', JSON.stringify({ TableName: 'indexed', Item: item })) : requestBytes('ListTables', '{}');

/** Where strings written to a socket are encoded (node encodes them into a stack buffer). */
const scratch = Buffer.alloc(64 * 1024);

/** An in-memory socket: each answer written sends the next request, while the window lasts. */
class LoopSocket extends EventEmitter {
  destroyed = false;
  constructor(private readonly subject: Subject) {
    super();
  }
  setNoDelay(): void {}
  isPaused(): boolean {
    return false;
  }
  pause(): void {}
  resume(): void {}
  destroy(): void {
    this.destroyed = true;
  }
  end(bytes: string | Buffer): void {
    throw new Error(`the connection was closed: ${String(bytes).slice(0, 200)}`);
  }
  write(bytes: string | Buffer, encoding?: BufferEncoding): boolean {
    if (typeof bytes === 'string') scratch.write(bytes, 0, encoding ?? 'utf8');
    const status = typeof bytes === 'string' ? bytes.slice(9, 12) : bytes.toString('latin1', 9, 12);
    if (status !== '200') throw new Error(`answered ${status}: ${String(bytes).slice(0, 300)}`);
    this.subject.answered++;
    if (this.subject.running) setImmediate(() => this.send());
    else this.subject.idle++;
    return true;
  }
  send(): void {
    this.emit('data', request);
  }
}

interface Subject {
  readonly label: string;
  readonly sockets: LoopSocket[];
  readonly cpu_us: number[];
  answered: number;
  idle: number;
  running: boolean;
}

interface Modules {
  readonly Http1Connection: typeof Http1Connection;
  readonly handleDynamoRequest: typeof handleDynamoRequest;
  readonly jsonResponse: typeof jsonResponse;
  readonly newRequestId: typeof newRequestId;
  readonly openService: typeof openService;
  readonly defaultConfig: typeof defaultConfig;
}

async function modulesOf(checkout: string): Promise<Modules> {
  const load = async (path: string) => (await import(pathToFileURL(join(resolve(checkout, 'dist'), path)).href)) as Record<string, unknown>;
  return {
    ...(await load('src/server/http1-connection.js')),
    ...(await load('src/server/handle-dynamo-request.js')),
    ...(await load('src/server/request-id.js')),
    ...(await load('src/service.js')),
    ...(await load('src/config.js')),
  } as unknown as Modules;
}

async function openSubject(label: string, modules: Modules): Promise<Subject> {
  let answer: AnswerRequest;
  if (mode === 'canned') {
    answer = async () => modules.jsonResponse(200, '{}', { 'x-amzn-RequestId': modules.newRequestId(), 'Content-Type': 'application/x-amz-json-1.0' });
  } else {
    const service = await modules.openService({ ...modules.defaultConfig, dataDir: undefined });
    answer = (httpRequest) => modules.handleDynamoRequest(service, httpRequest);
  }
  const subject: Subject = { label, sockets: [], cpu_us: [], answered: 0, idle: 0, running: false };
  for (let i = 0; i < connections; i++) {
    const socket = new LoopSocket(subject);
    new modules.Http1Connection(socket as never, answer, 0);
    subject.sockets.push(socket);
  }
  return subject;
}

async function runWindow(subject: Subject): Promise<number> {
  subject.answered = 0;
  subject.idle = 0;
  subject.running = true;
  const before = process.cpuUsage();
  for (const socket of subject.sockets) socket.send();
  await new Promise((resolveWindow) => setTimeout(resolveWindow, window_ms));
  subject.running = false;
  while (subject.idle < connections) await new Promise((resolveTurn) => setImmediate(resolveTurn));
  const cpu = process.cpuUsage(before);
  return (cpu.user + cpu.system) / subject.answered;
}

const subjects = [await openSubject('this build', { Http1Connection, handleDynamoRequest, jsonResponse, newRequestId, openService, defaultConfig })];
if (against !== undefined) subjects.push(await openSubject(against, await modulesOf(against)));
// The first window of each warms the JIT up and is not counted.
for (const subject of subjects) await runWindow(subject);
for (let round = 0; round < windows; round++) {
  for (const subject of round % 2 === 0 ? subjects : [...subjects].reverse()) subject.cpu_us.push(await runWindow(subject));
}
for (const subject of subjects) {
  const sorted = [...subject.cpu_us].sort((a, b) => a - b);
  const at = (fraction: number) => sorted[Math.floor(fraction * (sorted.length - 1))]!.toFixed(2);
  console.log(`${mode}, ${subject.label}: CPU µs per request minimum ${at(0)}, lower quartile ${at(0.25)}, median ${at(0.5)} (${sorted.length} windows of ${window_ms} ms)`);
}
process.exit(0);
