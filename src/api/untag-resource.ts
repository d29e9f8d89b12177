/** UntagResource: removes tags (by key) from a table; unknown keys are ignored, as in DynamoDB. */
import { resourceNotFound, validationError } from '../errors.js';
import type { Action, JsonObject, ServiceContext } from './action.js';
import { checkResourceArn, checkTableArn, tableOfArn } from './tags.js';
import { checkRequest } from './validation/check-request.js';
import { list, request, string } from './validation/shape.js';

const shape = request({ ResourceArn: string(), TagKeys: list(string({ notNull: true, minLength: 1, maxLength: 128 })) });

async function run(context: ServiceContext, rawBody: JsonObject): Promise<JsonObject> {
  const body = checkRequest(shape, rawBody);
  const resourceArn = checkResourceArn(context, 'UntagResource', body.ResourceArn);
  if (body.TagKeys === undefined) {
    throw validationError("1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null");
  }
  checkTableArn(resourceArn);
  if (body.TagKeys.length === 0) throw validationError('Atleast one Tag Key needs to be provided as Input.');
  const record = await tableOfArn(context, resourceArn);
  if (record === undefined) throw resourceNotFound();
  const tags: Record<string, string> = { ...record.tags };
  for (const key of body.TagKeys) delete tags[key];
  await context.store.saveTable({ ...record, tags });
  return {};
}

export const untagResource: Action = { name: 'UntagResource', run };
