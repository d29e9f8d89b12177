/**
 * The one catalogue of errors Dynabase answers with. Every failure a client can see is a
 * `DynamoError` carrying DynamoDB's error name; the wire layer turns it into DynamoDB's envelope
 * `{"__type": "<prefix>#<Name>", "message": "..."}` with the HTTP status given here.
 *
 * DynamoDB uses three `__type` prefixes: coral's validation layer, coral's service framework
 * (serialization, auth, unknown operations) and the DynamoDB service itself.
 */

const validatePrefix = 'com.amazon.coral.validate#';
const coralServicePrefix = 'com.amazon.coral.service#';
const dynamoPrefix = 'com.amazonaws.dynamodb.v20120810#';

export const errorCatalogue = {
  ValidationException: { type: `${validatePrefix}ValidationException`, status: 400 },
  SerializationException: { type: `${coralServicePrefix}SerializationException`, status: 400 },
  UnknownOperationException: { type: `${coralServicePrefix}UnknownOperationException`, status: 400 },
  MissingAuthenticationTokenException: { type: `${coralServicePrefix}MissingAuthenticationTokenException`, status: 400 },
  IncompleteSignatureException: { type: `${coralServicePrefix}IncompleteSignatureException`, status: 400 },
  InvalidSignatureException: { type: `${coralServicePrefix}InvalidSignatureException`, status: 400 },
  UnrecognizedClientException: { type: `${coralServicePrefix}UnrecognizedClientException`, status: 400 },
  AccessDeniedException: { type: `${coralServicePrefix}AccessDeniedException`, status: 400 },
  RequestEntityTooLargeException: { type: `${coralServicePrefix}RequestEntityTooLargeException`, status: 413 },
  ResourceNotFoundException: { type: `${dynamoPrefix}ResourceNotFoundException`, status: 400 },
  ResourceInUseException: { type: `${dynamoPrefix}ResourceInUseException`, status: 400 },
  LimitExceededException: { type: `${dynamoPrefix}LimitExceededException`, status: 400 },
  ConditionalCheckFailedException: { type: `${dynamoPrefix}ConditionalCheckFailedException`, status: 400 },
  ItemCollectionSizeLimitExceededException: { type: `${dynamoPrefix}ItemCollectionSizeLimitExceededException`, status: 400 },
  ProvisionedThroughputExceededException: { type: `${dynamoPrefix}ProvisionedThroughputExceededException`, status: 400 },
  ThrottlingException: { type: `${dynamoPrefix}ThrottlingException`, status: 400 },
  RequestLimitExceeded: { type: `${dynamoPrefix}RequestLimitExceeded`, status: 400 },
  TransactionCanceledException: { type: `${dynamoPrefix}TransactionCanceledException`, status: 400 },
  TransactionConflictException: { type: `${dynamoPrefix}TransactionConflictException`, status: 400 },
  TransactionInProgressException: { type: `${dynamoPrefix}TransactionInProgressException`, status: 400 },
  IdempotentParameterMismatchException: { type: `${dynamoPrefix}IdempotentParameterMismatchException`, status: 400 },
  ExpiredIteratorException: { type: `${dynamoPrefix}ExpiredIteratorException`, status: 400 },
  TrimmedDataAccessException: { type: `${dynamoPrefix}TrimmedDataAccessException`, status: 400 },
  InternalServerError: { type: `${dynamoPrefix}InternalServerError`, status: 500 },
} as const;

export type ErrorName = keyof typeof errorCatalogue;

export class DynamoError extends Error {
  readonly errorName: ErrorName;
  /** Extra top-level members of the error body (e.g. `Item` or `CancellationReasons`). */
  readonly extraBody: Readonly<Record<string, unknown>> | undefined;

  constructor(errorName: ErrorName, message: string | undefined, extraBody?: Record<string, unknown>) {
    super(message ?? '');
    this.name = errorName;
    this.errorName = errorName;
    this.extraBody = extraBody;
  }

  /** DynamoDB omits `message` entirely for some errors (e.g. a body that is not JSON). */
  get hasMessage(): boolean {
    return this.message !== '';
  }
}

export function validationError(message: string): DynamoError {
  return new DynamoError('ValidationException', message);
}

export function serializationError(message?: string): DynamoError {
  return new DynamoError('SerializationException', message);
}

export function resourceNotFound(message = 'Requested resource not found'): DynamoError {
  return new DynamoError('ResourceNotFoundException', message);
}

export function resourceInUse(message: string): DynamoError {
  return new DynamoError('ResourceInUseException', message);
}

export function conditionalCheckFailed(item?: Record<string, unknown>): DynamoError {
  return new DynamoError('ConditionalCheckFailedException', 'The conditional request failed', item ? { Item: item } : undefined);
}

export function limitExceeded(message: string): DynamoError {
  return new DynamoError('LimitExceededException', message);
}

/**
 * A broken invariant inside Dynabase. Never a client's fault, so it answers 500
 * InternalServerError (and is logged), not a 400.
 */
export class AssertionFailure extends Error {
  constructor(message: string) {
    super(`assertion failed: ${message}`);
    this.name = 'AssertionFailure';
  }
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionFailure(message);
}

export function assertNever(value: never, what = 'value'): never {
  throw new AssertionFailure(`unexpected ${what}: ${JSON.stringify(value)}`);
}
