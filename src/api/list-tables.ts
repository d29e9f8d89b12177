/**
 * ListTables: table names in DynamoDB's order (by the UTF-8 bytes of the name), at most Limit
 * (default and maximum 100) per page, after ExclusiveStartTableName; LastEvaluatedTableName is
 * the last name of a page only when more names follow (tables being deleted are still listed).
 */
import { max_list_tables_limit } from '../limits.js';
import type { Action, JsonObject, ServiceContext } from './action.js';
import { table_name_pattern_source } from './validation/common-shapes.js';
import { checkRequest } from './validation/check-request.js';
import { integer, request, string } from './validation/shape.js';

const shape = request({
  Limit: integer({ min: 1, max: max_list_tables_limit }),
  ExclusiveStartTableName: string({ pattern: table_name_pattern_source, minLength: 3, maxLength: 255 }),
});

/** Table names are ASCII ([a-zA-Z0-9_.-]), so code-unit order is UTF-8 byte order. */
function isAfter(name: string, start: string): boolean {
  return name > start;
}

function run(context: ServiceContext, rawBody: JsonObject): JsonObject {
  const body = checkRequest(shape, rawBody);
  const limit = body.Limit ?? max_list_tables_limit;
  const start = body.ExclusiveStartTableName;
  const names: string[] = [];
  let more = false;
  for (const record of context.store.listTables()) {
    if (start !== undefined && !isAfter(record.name, start)) continue;
    if (names.length === limit) {
      more = true;
      break;
    }
    names.push(record.name);
  }
  return more ? { TableNames: names, LastEvaluatedTableName: names[names.length - 1] } : { TableNames: names };
}

export const listTables: Action = { name: 'ListTables', run };
