/**
 * Dynabase's own endpoints, beside DynamoDB's `POST /`: everything under `/_dynabase/`, a path
 * DynamoDB never serves, so no SDK request can reach them by accident. They answer plain JSON
 * (`{"message": ...}` with a 4xx status on a mistake), never DynamoDB's error envelope.
 *
 *   GET  /_dynabase/clock                       the service clock: mode, now_ms, ISO time
 *   POST /_dynabase/clock  {"advance_ms": N}    moves a manual clock (`--clock manual`) forward;
 *                                               answers once due timers and sweeps have run
 *   GET  /_dynabase/metrics                     admission control's metrics (docs/throughput.md)
 *   GET  /_dynabase/metrics?format=prometheus   the same in Prometheus text exposition format
 *   GET  /_dynabase/backfills[?table=<name>]    the GSI backfills in progress (of one table):
 *                                               items read so far out of the table's items
 *                                               (`dynabase indexes` shows them)
 */
import type { ServiceContext } from '../api/action.js';
import { ManualClock } from '../clock.js';
import { prometheusText, type MetricsSnapshot } from '../partition/throughput-metrics.js';
import type { Service } from '../service.js';
import type { DynamoHttpRequest, DynamoHttpResponse } from './handle-dynamo-request.js';
import { jsonResponse } from './handle-dynamo-request.js';

export const admin_path_prefix = '/_dynabase/';

/** The longest a single POST /_dynabase/clock may move the clock: ten years, a sanity bound. */
const max_clock_advance_ms = 10 * 365 * 24 * 60 * 60 * 1000;

class AdminError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

type AdminHandler = (service: Service, request: DynamoHttpRequest) => Promise<unknown> | unknown;

const routes = new Map<string, AdminHandler>([
  ['GET /_dynabase/clock', describeClock],
  ['POST /_dynabase/clock', advanceClock],
  ['GET /_dynabase/metrics', metrics],
  ['GET /_dynabase/backfills', backfills],
]);

/** An answer that is not JSON (Prometheus text). */
class TextAnswer {
  constructor(
    readonly contentType: string,
    readonly text: string,
  ) {}
}

const prometheus_content_type = 'text/plain; version=0.0.4; charset=utf-8';

/** Answers a request whose path starts with `/_dynabase/`. */
export async function handleAdminRequest(service: Service, request: DynamoHttpRequest, headers: Record<string, string>): Promise<DynamoHttpResponse> {
  const queryStart = request.path.indexOf('?');
  const path = queryStart < 0 ? request.path : request.path.slice(0, queryStart);
  const handler = routes.get(`${request.method} ${path}`);
  headers['Content-Type'] = 'application/json';
  try {
    if (handler === undefined) {
      const known = [...routes.keys()].some((route) => route.endsWith(` ${path}`));
      throw known ? new AdminError(405, `${request.method} is not served on ${path}`) : new AdminError(404, `no such Dynabase endpoint: ${path}`);
    }
    const answer = await handler(service, request);
    if (answer instanceof TextAnswer) {
      headers['Content-Type'] = answer.contentType;
      return jsonResponse(200, answer.text, headers);
    }
    return jsonAnswer(200, answer, headers);
  } catch (error) {
    if (error instanceof AdminError) return jsonAnswer(error.statusCode, { message: error.message }, headers);
    throw error;
  }
}

function jsonAnswer(statusCode: number, value: unknown, headers: Record<string, string>): DynamoHttpResponse {
  return jsonResponse(statusCode, JSON.stringify(value), headers);
}

function describeClock(service: Service): unknown {
  const clock = service.context.config.clock;
  const now_ms = clock.now();
  return { mode: clock instanceof ManualClock ? 'manual' : 'system', now_ms, now: new Date(now_ms).toISOString() };
}

async function advanceClock(service: Service, request: DynamoHttpRequest): Promise<unknown> {
  const clock = service.context.config.clock;
  if (!(clock instanceof ManualClock)) throw new AdminError(409, 'the clock is the system clock; start the server with --clock manual to move it');
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(request.body).toString('utf8'));
  } catch {
    throw new AdminError(400, 'the body must be JSON: {"advance_ms": <milliseconds>}');
  }
  const advance_ms = (body as { advance_ms?: unknown } | null)?.advance_ms;
  if (typeof advance_ms !== 'number' || !Number.isFinite(advance_ms) || advance_ms < 0 || advance_ms > max_clock_advance_ms) {
    throw new AdminError(400, `advance_ms must be a number of milliseconds from 0 to ${max_clock_advance_ms}`);
  }
  await clock.advance(advance_ms);
  return describeClock(service);
}

/** The metrics of every live table (admission control forgets tables dropped since). */
export function metricsSnapshot(context: ServiceContext): MetricsSnapshot {
  const live = new Map(context.store.listTables().map((table) => [table.id, table]));
  return context.admission.snapshot((id) => live.get(id));
}

function metrics(service: Service, request: DynamoHttpRequest): unknown {
  const queryStart = request.path.indexOf('?');
  const format = new URLSearchParams(queryStart < 0 ? '' : request.path.slice(queryStart + 1)).get('format') ?? 'json';
  const snapshot = metricsSnapshot(service.context);
  if (format === 'json') return snapshot;
  if (format === 'prometheus') return new TextAnswer(prometheus_content_type, prometheusText(snapshot));
  throw new AdminError(400, `unknown format '${format}': use json or prometheus`);
}

/** One GSI backfill in progress, as `GET /_dynabase/backfills` reports it. */
export interface BackfillProgress {
  readonly table: string;
  readonly index: string;
  /** Items of the table the backfill has read so far (each indexed if it belongs in the index). */
  readonly readItems: number;
  /** The table's items now: the backfill is done once it has read them all. */
  readonly tableItemCount: number;
  /** Entries the index holds now (from the backfill and from writes since the index was added). */
  readonly indexItemCount: number;
}

function backfills(service: Service, request: DynamoHttpRequest): unknown {
  const queryStart = request.path.indexOf('?');
  const table = new URLSearchParams(queryStart < 0 ? '' : request.path.slice(queryStart + 1)).get('table');
  const store = service.context.store;
  let records = store.listTables();
  if (table !== null) {
    const record = store.getTable(table);
    if (record === undefined) throw new AdminError(404, `no such table: ${table}`);
    records = [record];
  }
  const progress: BackfillProgress[] = [];
  for (const record of records) {
    for (const index of record.indexes ?? []) {
      const stats = store.indexStats(record, index.name);
      if (!stats.backfilling) continue;
      progress.push({
        table: record.name,
        index: index.name,
        readItems: stats.backfillReadItems ?? 0,
        tableItemCount: store.stats(record).itemCount,
        indexItemCount: stats.itemCount,
      });
    }
  }
  return { backfills: progress };
}
