/**
 * `dynabase tail <table>`: prints a table's changes as they happen, one line each, read through
 * the public Streams API from any DynamoDB-compatible endpoint (streams-api.ts, HTTP transport).
 *
 *   2026-01-15T12:00:00Z INSERT {"pk":"a"} {"pk":"a","n":1}
 *   2026-01-15T12:00:05Z MODIFY {"pk":"a"} {"pk":"a","n":1} -> {"pk":"a","n":2}
 *   2026-01-15T12:00:09Z REMOVE {"pk":"a"} (ttl)
 *
 * Keys and images are shown as plain JSON (numbers as numbers where they are exact in a double,
 * sets as arrays, binary as base64), which is how people read them; the view type decides which
 * images exist.
 */
import type { LambdaStreamRecord, StartingPosition, StreamConsumer } from './stream-consumer.js';
import { startStreamConsumer } from './stream-consumer.js';
import { httpStreamsApi } from './streams-api.js';
import { setOwnMember } from '../model/attribute-value.js';

type Wire = Record<string, unknown>;

/** One attribute value as plain JSON. */
function plainValue(value: Wire): unknown {
  if ('S' in value) return value.S;
  if ('N' in value) {
    const number = Number(value.N);
    return String(number) === value.N ? number : value.N;
  }
  if ('BOOL' in value) return value.BOOL;
  if ('NULL' in value) return null;
  if ('B' in value) return value.B;
  if ('SS' in value) return value.SS;
  if ('NS' in value) return (value.NS as string[]).map((n) => plainValue({ N: n }));
  if ('BS' in value) return value.BS;
  if ('L' in value) return (value.L as Wire[]).map(plainValue);
  if ('M' in value) return plainItem(value.M as Record<string, Wire>);
  return value;
}

function plainItem(item: Record<string, Wire>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name in item) setOwnMember(out, name, plainValue(item[name]!));
  return out;
}

function json(item: unknown): string {
  return JSON.stringify(plainItem(item as Record<string, Wire>));
}

export function formatTailLine(record: LambdaStreamRecord): string {
  const time = new Date(record.dynamodb.ApproximateCreationDateTime * 1000).toISOString().replace('.000Z', 'Z');
  let line = `${time} ${record.eventName} ${json(record.dynamodb.Keys)}`;
  const { OldImage: oldImage, NewImage: newImage } = record.dynamodb;
  if (oldImage !== undefined && newImage !== undefined) line += ` ${json(oldImage)} -> ${json(newImage)}`;
  else if (newImage !== undefined) line += ` ${json(newImage)}`;
  else if (oldImage !== undefined) line += ` ${json(oldImage)}`;
  if (record.userIdentity?.type === 'Service') line += ' (ttl)';
  return line;
}

export interface TailOptions {
  readonly endpoint: string;
  readonly region: string;
  readonly tableName: string;
  readonly startingPosition: StartingPosition;
}

export function startTail(options: TailOptions, write: (line: string) => void): Promise<StreamConsumer> {
  return startStreamConsumer(
    httpStreamsApi(options.endpoint, options.region),
    options.tableName,
    (event) => {
      for (const record of event.Records) write(`${formatTailLine(record)}\n`);
    },
    { startingPosition: options.startingPosition, batchSize: 1000, pollIntervalMs: 250 },
  );
}
