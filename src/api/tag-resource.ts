/** TagResource: adds or replaces tags on a table, checking DynamoDB's ARN and tag rules. */
import { resourceInUse, resourceNotFound, validationError } from '../errors.js';
import type { Action, JsonObject, ServiceContext } from './action.js';
import { descriptionOf } from './table-description.js';
import { checkResourceArn, checkTableArn, checkTagKeys, mergeTags, tableOfArn } from './tags.js';
import { tag } from './validation/common-shapes.js';
import { checkRequest } from './validation/check-request.js';
import { list, request, string } from './validation/shape.js';

const shape = request({ ResourceArn: string(), Tags: list(tag) });

async function run(context: ServiceContext, rawBody: JsonObject): Promise<JsonObject> {
  const body = checkRequest(shape, rawBody);
  const resourceArn = checkResourceArn(context, 'TagResource', body.ResourceArn);
  if (body.Tags === undefined) {
    throw validationError("1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null");
  }
  checkTableArn(resourceArn);
  if (body.Tags.length === 0) throw validationError('Atleast one Tag needs to be provided as Input.');
  checkTagKeys(body.Tags);
  const record = await tableOfArn(context, resourceArn);
  if (record === undefined) throw resourceNotFound(`Requested resource not found: ResourceArn: ${resourceArn} not found`);
  if (descriptionOf(record).TableStatus === 'CREATING') {
    throw resourceInUse(`Attempt to change a resource which is still in use: Table is being created: ${record.name}`);
  }
  await context.store.saveTable({ ...record, tags: mergeTags(record.tags, body.Tags) });
  return {};
}

export const tagResource: Action = { name: 'TagResource', run };
