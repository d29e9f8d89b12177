/**
 * The service's background work, on one timer: the TTL sweeper's pass, stream retention
 * trimming, then splitting the partitions that have stayed hot (`--throughput enforce` only). Passes never overlap (the next is scheduled when one ends), each is bounded, and the
 * timer does not keep the process alive. A failed pass is logged and the next one runs anyway:
 * background upkeep must not take the server down.
 *
 * On a manual clock (`--clock manual`) the sweeps run after each move of the clock instead of on a
 * real timer, so expiry and trimming happen exactly when a test moves time, and `advance`
 * resolves once they are done.
 */
import type { ServiceContext } from '../api/action.js';
import { ManualClock } from '../clock.js';
import { splitHotPartitions } from '../partition/heat-splits.js';
import { trimChangeLogs } from '../streams/stream-trimmer.js';
import { TtlSweeper } from './ttl-sweeper.js';

/** How often the sweeps run by default (DynamoDB deletes within days; a local server, at once). */
export const default_sweep_interval_ms = 1000;

export interface BackgroundSweeps {
  /** Runs one pass now (after any pass under way); resolves once it is done. */
  runNow(): Promise<void>;
  /** Stops the timer and waits for a pass under way. */
  stop(): Promise<void>;
}

export function startBackgroundSweeps(context: ServiceContext, interval_ms: number): BackgroundSweeps {
  const sweeper = new TtlSweeper(context);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  async function pass(): Promise<void> {
    try {
      await sweeper.sweep();
      await trimChangeLogs(context);
      await splitHotPartitions(context.store, context.admission);
    } catch (error) {
      process.stderr.write(`dynabase: background sweep failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = running.then(pass).then(schedule);
    }, interval_ms);
    timer.unref();
  }

  const clock = context.config.clock;
  const unsubscribe = clock instanceof ManualClock ? clock.onAdvance(() => runNow()) : undefined;
  if (unsubscribe === undefined) schedule();

  function runNow(): Promise<void> {
    running = running.then(pass);
    return running;
  }

  return {
    runNow,
    async stop() {
      stopped = true;
      unsubscribe?.();
      if (timer !== undefined) clearTimeout(timer);
      await running;
    },
  };
}
