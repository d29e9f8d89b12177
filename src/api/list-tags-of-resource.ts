/**
 * ListTagsOfResource: a table's tags, a page at a time. NextToken is opaque to clients; here it is
 * the position of the next tag.
 */
import { resourceNotFound, validationError } from '../errors.js';
import type { Action, JsonObject, ServiceContext } from './action.js';
import { checkResourceArn, checkTableArn, tableOfArn } from './tags.js';
import { checkRequest } from './validation/check-request.js';
import { request, string } from './validation/shape.js';

/** Tags per ListTagsOfResource page. */
export const tags_per_page = 10;

const shape = request({ ResourceArn: string(), NextToken: string() });

function startOf(nextToken: string | undefined): number {
  if (nextToken === undefined) return 0;
  const start = /^[0-9]+$/.test(nextToken) ? Number(nextToken) : Number.NaN;
  if (!Number.isSafeInteger(start)) throw validationError(`Invalid NextToken: ${nextToken}`);
  return start;
}

async function run(context: ServiceContext, rawBody: JsonObject): Promise<JsonObject> {
  const body = checkRequest(shape, rawBody);
  const resourceArn = checkResourceArn(context, 'ListTagsOfResource', body.ResourceArn);
  checkTableArn(resourceArn);
  const start = startOf(body.NextToken);
  const record = await tableOfArn(context, resourceArn);
  if (record === undefined) throw resourceNotFound(`Requested resource not found: ResourceArn: ${resourceArn} not found`);
  const all = Object.entries(record.tags);
  const page = all.slice(start, start + tags_per_page).map(([Key, Value]) => ({ Key, Value }));
  const end = start + page.length;
  return end < all.length ? { Tags: page, NextToken: String(end) } : { Tags: page };
}

export const listTagsOfResource: Action = { name: 'ListTagsOfResource', run };
