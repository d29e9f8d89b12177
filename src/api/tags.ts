/**
 * Tag rules shared by CreateTable and TagResource: at most 50 tags per resource, and the `aws:`
 * prefix is reserved for AWS (DynamoDB developer guide, "Tagging restrictions"). Key and value
 * lengths (1-128, 0-256) are shape constraints.
 */
import { validationError } from '../errors.js';
import { max_tags_per_resource } from '../limits.js';

const reserved_tag_prefix = 'aws:';

export interface Tag {
  readonly Key: string;
  readonly Value: string;
}

export function checkTagKeys(tags: readonly Tag[]): void {
  for (const tag of tags) {
    if (tag.Key.toLowerCase().startsWith(reserved_tag_prefix)) {
      throw validationError(`One or more parameter values were invalid: Tag keys starting with '${reserved_tag_prefix}' are reserved for system use`);
    }
  }
}

/** Applies `tags` over `existing` (a later duplicate key wins), enforcing the per-resource limit. */
export function mergeTags(existing: Readonly<Record<string, string>>, tags: readonly Tag[]): Record<string, string> {
  const merged: Record<string, string> = { ...existing };
  for (const tag of tags) merged[tag.Key] = tag.Value;
  if (Object.keys(merged).length > max_tags_per_resource) {
    throw validationError(`One or more parameter values were invalid: The number of tags exceeds the limit of ${max_tags_per_resource} tags per resource`);
  }
  return merged;
}
