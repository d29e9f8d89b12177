/**
 * The registry of DynamoDB actions, by operation name. One module per action; add a line here
 * when an action module lands. The server routes `X-Amz-Target: DynamoDB_20120810.<name>` here.
 */
import type { Action } from './action.js';

const allActions: readonly Action[] = [
];

export const actionsByName: ReadonlyMap<string, Action> = new Map(allActions.map((action) => [action.name, action]));
