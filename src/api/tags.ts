/**
 * Tag rules shared by CreateTable and the tagging actions: at most 50 tags per resource, and the `aws:`
 * prefix is reserved for AWS (DynamoDB developer guide, "Tagging restrictions"). Key and value
 * lengths (1-128, 0-256) are shape constraints.
 */
import { DynamoError, validationError } from '../errors.js';
import { max_tags_per_resource } from '../limits.js';
import type { TableRecord } from '../partition/table-store.js';
import type { ServiceContext } from './action.js';
import { findTable, tableArn } from './table-description.js';

const reserved_tag_prefix = 'aws:';

export interface Tag {
  readonly Key: string;
  readonly Value: string;
}

export function checkTagKeys(tags: readonly Tag[]): void {
  for (const tag of tags) {
    if (tag.Key.toLowerCase().startsWith(reserved_tag_prefix)) {
      // Recorded against DynamoDB (ack-api-quirks DDB-TABLE-442 and the CreateTable/TagResource tag probes, 2026-10).
      throw validationError(`Tag Key cannot be prefixed with ${reserved_tag_prefix}, Key: ${tag.Key}`);
    }
  }
}

/** Applies `tags` over `existing` (a later duplicate key wins), enforcing the per-resource limit. */
export function mergeTags(existing: Readonly<Record<string, string>>, tags: readonly Tag[]): Record<string, string> {
  const merged: Record<string, string> = { ...existing };
  for (const tag of tags) merged[tag.Key] = tag.Value;
  if (Object.keys(merged).length > max_tags_per_resource) {
    throw validationError('Number of Tags exceed the current limit for the provided ResourceArn');
  }
  return merged;
}

/**
 * The ARN checks DynamoDB makes before looking a tagged resource up (recorded in dynalite's
 * tests): a missing ARN, an ARN that is not even ARN-shaped (refused by authorisation), an ARN
 * that is not a table's.
 */
export function checkResourceArn(context: ServiceContext, operation: string, resourceArn: string | undefined): string {
  if (resourceArn === undefined) throw validationError('Invalid TableArn');
  if (!arn_shape.test(resourceArn)) {
    throw new DynamoError(
      'AccessDeniedException',
      `User: arn:aws:iam::${context.config.accountId}:root is not authorized to perform: dynamodb:${operation} on resource: ${resourceArn}`,
    );
  }
  return resourceArn;
}

const arn_shape = /^.+:.+:.+:.+:.+:.+\/.+$/;
const table_arn_shape = /^arn:aws:dynamodb:.+:\d+:table\/[^/]{2}[^/]+$/;

export function checkTableArn(resourceArn: string): void {
  if (!table_arn_shape.test(resourceArn)) throw validationError(`Invalid TableArn: Invalid ResourceArn provided as input ${resourceArn}`);
}

/** The table an ARN names, if it is in this region and account and exists. */
export async function tableOfArn(context: ServiceContext, resourceArn: string): Promise<TableRecord | undefined> {
  const prefix = tableArn(context.config, '');
  if (!resourceArn.startsWith(prefix)) return undefined;
  return findTable(context, resourceArn.slice(prefix.length));
}
