/**
 * DynamoDB's error body: `{"__type": "<prefix>#<Name>", ...extra members, "message": "..."}`.
 *
 * The message key's spelling is part of the protocol: coral's own framework errors
 * (SerializationException, AccessDeniedException) and TransactionCanceledException spell it
 * `Message`; everything else spells it `message`. Some errors carry no message at all (a body
 * that is not JSON, an unknown operation), and then the key is absent. Extra members (e.g.
 * `CancellationReasons`, `Item`) come before the message, as in DynamoDB's answers.
 */
import type { ErrorName } from '../errors.js';
import { DynamoError, errorCatalogue } from '../errors.js';

const capitalisedMessageErrors: ReadonlySet<ErrorName> = new Set<ErrorName>([
  'SerializationException',
  'AccessDeniedException',
  'TransactionCanceledException',
]);

/** The JSON text of `error`'s envelope. */
export function errorEnvelopeJson(error: DynamoError): string {
  const body: Record<string, unknown> = { __type: errorCatalogue[error.errorName].type };
  const extra = error.extraBody;
  if (extra !== undefined) {
    for (const key in extra) body[key] = extra[key];
  }
  if (error.hasMessage) body[capitalisedMessageErrors.has(error.errorName) ? 'Message' : 'message'] = error.message;
  return JSON.stringify(body);
}

/** The HTTP status DynamoDB answers `error` with. */
export function errorStatus(error: DynamoError): number {
  return errorCatalogue[error.errorName].status;
}
