/**
 * The shape every DynamoDB action module has: one module per action under api/, exporting an
 * `Action`. The server looks the action up by name (`actions.ts`) and calls `run`.
 *
 * `run` receives the parsed JSON body as sent (unknown shape). It validates first and completely,
 * in DynamoDB's order (types -> SerializationException, constraints -> ValidationException,
 * semantic checks, then table existence), and only then touches the store.
 */
import type { Config } from '../config.js';
import type { AdmissionControl } from '../partition/admission-control.js';
import type { TableStore } from '../partition/table-store.js';

export interface ServiceContext {
  readonly store: TableStore;
  readonly config: Config;
  /** Per-partition throughput: every data-plane request is admitted and charged here. */
  readonly admission: AdmissionControl;
}

export type JsonObject = Record<string, unknown>;

export interface Action {
  /** The DynamoDB operation name, as in `X-Amz-Target: DynamoDB_20120810.<name>`. */
  readonly name: string;
  run(context: ServiceContext, body: JsonObject): Promise<JsonObject> | JsonObject;
}

/**
 * A response member that is already JSON text, such as a stored item read as the bytes it was
 * stored as: the server writes `text` into the response as is, sparing a parse and a stringify
 * of a stored item. `text` must be the exact JSON `JSON.stringify` would write for the value
 * (stored items are written by `JSON.stringify`, and re-serialising parsed JSON reproduces it).
 * Anywhere else (nested, or serialised by other code) it turns back into its value.
 */
export class JsonText {
  constructor(readonly text: string) {}

  toJSON(): unknown {
    return JSON.parse(this.text);
  }
}
