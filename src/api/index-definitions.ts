/**
 * The semantic checks DynamoDB makes on key schemas and secondary index definitions (CreateTable,
 * and UpdateTable's index creation), after the request shape has passed. Messages are DynamoDB's
 * (recorded in dynalite's CreateTable tests).
 */
import { validationError } from '../errors.js';
import { max_projected_non_key_attributes } from '../limits.js';
import type { KeySchemaElement } from '../model/attribute-value.js';
import type { Projection } from './table-description.js';

export const invalidParameters = 'One or more parameter values were invalid: ';

/** An index definition as the request gives it, after the shape check. */
export interface IndexDefinition {
  readonly IndexName: string;
  readonly KeySchema: readonly { readonly AttributeName: string; readonly KeyType: string }[];
  readonly Projection: Projection;
  readonly ProvisionedThroughput?: { readonly ReadCapacityUnits: number; readonly WriteCapacityUnits: number };
}

/** DynamoDB rejects throughput values above this with "Given value ... is out of bounds". */
export const max_capacity_units_value = 1_000_000_000_000;

export function checkThroughputBounds(throughput: { readonly ReadCapacityUnits: number; readonly WriteCapacityUnits: number }): void {
  if (throughput.ReadCapacityUnits > max_capacity_units_value) {
    throw validationError(`Given value ${throughput.ReadCapacityUnits} for ReadCapacityUnits is out of bounds`);
  }
  if (throughput.WriteCapacityUnits > max_capacity_units_value) {
    throw validationError(`Given value ${throughput.WriteCapacityUnits} for WriteCapacityUnits is out of bounds`);
  }
}

/** The checks every key schema gets (table, LSI, GSI), in DynamoDB's order. */
export function checkKeySchemaOrder(keySchema: readonly { readonly AttributeName: string; readonly KeyType: string }[]): void {
  if (keySchema.length === 2 && keySchema[0]!.AttributeName === keySchema[1]!.AttributeName) {
    throw validationError('Both the Hash Key and the Range Key element in the KeySchema have the same name');
  }
  if (keySchema[0]!.KeyType !== 'HASH') throw validationError('Invalid KeySchema: The first KeySchemaElement is not a HASH key type');
  if (keySchema.length === 2 && keySchema[1]!.KeyType !== 'RANGE') {
    throw validationError('Invalid KeySchema: The second KeySchemaElement is not a RANGE key type');
  }
}

export function checkIndexKeysDefined(keySchema: readonly { readonly AttributeName: string }[], definedNames: readonly string[]): void {
  if (keySchema.some((element) => !definedNames.includes(element.AttributeName))) {
    throw validationError(
      `${invalidParameters}Some index key attributes are not defined in AttributeDefinitions. ` +
        `Keys: [${keySchema.map((element) => element.AttributeName).join(', ')}], AttributeDefinitions: [${definedNames.join(', ')}]`,
    );
  }
}

export function checkProjection(projection: Projection): void {
  if (projection.ProjectionType === undefined) throw validationError(`${invalidParameters}Unknown ProjectionType: null`);
  if (projection.NonKeyAttributes !== undefined && projection.ProjectionType !== 'INCLUDE') {
    throw validationError(`${invalidParameters}ProjectionType is ${projection.ProjectionType}, but NonKeyAttributes is specified`);
  }
}

/**
 * The NonKeyAttributes of every INCLUDE projection of a table, summed over all its indexes (the
 * same attribute in two indexes counts twice), are at most 100 (API reference, Projection).
 */
export function checkProjectedAttributeTotal(indexes: readonly { readonly Projection: Projection }[]): void {
  let total = 0;
  for (const index of indexes) total += index.Projection.NonKeyAttributes?.length ?? 0;
  if (total > max_projected_non_key_attributes) {
    throw validationError(`${invalidParameters}Number of projected attributes in all indexes exceeds limit of ${max_projected_non_key_attributes}`);
  }
}

/** Narrows a checked key schema to the model's type (KeyType is HASH or RANGE once checked). */
export function asKeySchema(keySchema: readonly { readonly AttributeName: string; readonly KeyType: string }[]): KeySchemaElement[] {
  return keySchema.map((element) => ({ AttributeName: element.AttributeName, KeyType: element.KeyType as 'HASH' | 'RANGE' }));
}

/** Projection as DynamoDB stores it: only the members given. */
export function storedProjection(projection: Projection): Projection {
  return projection.NonKeyAttributes === undefined
    ? { ProjectionType: projection.ProjectionType! }
    : { ProjectionType: projection.ProjectionType!, NonKeyAttributes: [...projection.NonKeyAttributes] };
}
