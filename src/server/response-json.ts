/**
 * Serialises an action's result. Almost everything is plain `JSON.stringify`, except DynamoDB's
 * `Double` members: DynamoDB writes them the way Java prints a double (`1.0`, `0.5`, `1.0E7`),
 * and clients see the difference: botocore parses `1.0` as a float, so the AWS CLI prints
 * `"CapacityUnits": 1.0` where `1` would print `1`. JavaScript has one number type, so the
 * Doubles are found by position instead: every number inside the top-level `ConsumedCapacity`
 * (CapacityUnits, ReadCapacityUnits, WriteCapacityUnits, per table and per index) and inside
 * `ItemCollectionMetrics` (SizeEstimateRangeGB) is a Double; no other number in a DynamoDB
 * response body is (Count, ScannedCount, provisioned units and sizes are Longs). Attribute values
 * carry numbers as strings, so items inside those members are unaffected.
 */
import { JsonText, type JsonObject } from '../api/action.js';

/**
 * The response body's JSON. Members keep their order, except the Double members, which come
 * last (ConsumedCapacity, then ItemCollectionMetrics). A `JsonText` member (a stored item read as
 * its JSON), or a list of them (a Query or Scan page), is written as is.
 */
export function responseJson(result: JsonObject): string {
  let json = '{';
  for (const key in result) {
    const value = result[key];
    if (value === undefined || key === 'ConsumedCapacity' || key === 'ItemCollectionMetrics') continue;
    json += `${json.length > 1 ? ',' : ''}${JSON.stringify(key)}:${memberJson(value)}`;
  }
  const capacity = result['ConsumedCapacity'];
  if (capacity !== undefined) json += `${json.length > 1 ? ',' : ''}"ConsumedCapacity":${doublesJson(capacity)}`;
  const metrics = result['ItemCollectionMetrics'];
  if (metrics !== undefined) json += `${json.length > 1 ? ',' : ''}"ItemCollectionMetrics":${doublesJson(metrics)}`;
  return `${json}}`;
}

/** A top-level member: a `JsonText`, or a list of them (a page's items), is written as is. */
function memberJson(value: unknown): string {
  if (value instanceof JsonText) return value.text;
  if (Array.isArray(value) && value.length > 0 && value[0] instanceof JsonText) {
    let json = '[';
    for (let i = 0; i < value.length; i++) {
      const element: unknown = value[i];
      json += `${i === 0 ? '' : ','}${element instanceof JsonText ? element.text : JSON.stringify(element)}`;
    }
    return `${json}]`;
  }
  return JSON.stringify(value);
}

/** JSON for `value` with every number written as a Java double. */
function doublesJson(value: unknown): string {
  if (typeof value === 'number') return javaDouble(value);
  if (Array.isArray(value)) {
    let json = '[';
    for (let i = 0; i < value.length; i++) json += (i === 0 ? '' : ',') + doublesJson(value[i]);
    return `${json}]`;
  }
  if (value !== null && typeof value === 'object') {
    let json = '{';
    let first = true;
    for (const key in value) {
      const member = (value as Record<string, unknown>)[key];
      if (member === undefined) continue;
      json += `${first ? '' : ','}${JSON.stringify(key)}:${doublesJson(member)}`;
      first = false;
    }
    return `${json}}`;
  }
  return JSON.stringify(value);
}

/**
 * Java's `Double.toString`: plain decimal with at least one fractional digit for magnitudes in
 * [1e-3, 1e7), otherwise `d.dddE<exponent>`. Both print the shortest digits that round-trip,
 * as JavaScript does.
 */
export function javaDouble(n: number): string {
  if (!Number.isFinite(n)) return JSON.stringify(n);
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  const magnitude = Math.abs(n);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    const text = String(n);
    return text.includes('.') ? text : `${text}.0`;
  }
  const [mantissa, exponent] = n.toExponential().split('e') as [string, string];
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${exponent.startsWith('+') ? exponent.slice(1) : exponent}`;
}
