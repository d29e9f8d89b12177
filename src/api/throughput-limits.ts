/**
 * UpdateTable's limits on how often capacity may change: provisioned throughput decreases per UTC
 * day (table and each GSI separately) and switches to on-demand per rolling 24 hours. Both count
 * from state kept on the table record (NumberOfDecreasesToday and LastDecreaseDateTime in the
 * throughput description; `onDemandSwitches_ms` on the record), so they survive a restart, and
 * read time only from the injected clock.
 */
import { limitExceeded } from '../errors.js';
import { javaDateString, javaFullDateTime } from '../java-dates.js';
import {
  free_throughput_decreases_per_day,
  max_on_demand_switches_per_window,
  on_demand_switch_window_ms,
  throughput_decrease_interval_ms,
} from '../limits.js';

/**
 * Throws DynamoDB's LimitExceededException when one more decrease now would break the daily
 * rule: the first four decreases of a UTC day are free, each further one needs an hour since
 * the last (so at most 4 + 23 = 27 a day). `today` counts the decreases of the current UTC day
 * (`decreasesToday`); `lastDecrease_s` is LastDecreaseDateTime.
 */
export function checkDecreaseAllowed(today: number, lastDecrease_s: number | undefined, now_ms: number): void {
  const last_ms = lastDecrease_s === undefined ? undefined : Math.round(lastDecrease_s * 1000);
  if (today < free_throughput_decreases_per_day || last_ms === undefined) return;
  if (now_ms - last_ms >= throughput_decrease_interval_ms) return;
  throw limitExceeded(
    'Subscriber limit exceeded: Provisioned throughput decreases are limited within a given UTC day. ' +
      `After the first ${free_throughput_decreases_per_day} decreases, each subsequent decrease in the same UTC day can be performed at most once every ` +
      `${throughput_decrease_interval_ms / 1000} seconds. Number of decreases today: ${today}. Last decrease at ${javaFullDateTime(last_ms)}. ` +
      `Next decrease can be made at ${javaFullDateTime(last_ms + throughput_decrease_interval_ms)}`,
  );
}

/** The switches to on-demand still inside the rolling window at `now_ms`, oldest first. */
function recentOnDemandSwitches(switches_ms: readonly number[] | undefined, now_ms: number): number[] {
  return (switches_ms ?? []).filter((time_ms) => now_ms - time_ms < on_demand_switch_window_ms);
}

/**
 * Throws LimitExceededException when a switch to on-demand now would be the fifth in 24 hours;
 * otherwise returns the switches still inside the window (to which this one is added).
 * The wording and the times follow DynamoDB's answer recorded under the older once-a-day rule
 * ("Update to PayPerRequest mode are limited to once in 1 day(s). Last update at Sat Feb 23
 * 03:07:45 UTC 2019. Next update can be made at ..."), with the count of the current rule; see
 * docs/compatibility.md.
 */
export function checkOnDemandSwitchAllowed(switches_ms: readonly number[] | undefined, now_ms: number): number[] {
  const recent = recentOnDemandSwitches(switches_ms, now_ms);
  if (recent.length < max_on_demand_switches_per_window) return recent;
  const last_ms = recent[recent.length - 1]!;
  const next_ms = recent[recent.length - max_on_demand_switches_per_window]! + on_demand_switch_window_ms;
  throw limitExceeded(
    `Subscriber limit exceeded: Update to PayPerRequest mode are limited to ${max_on_demand_switches_per_window} times in 1 day(s). ` +
      `Last update at ${javaDateString(last_ms)}. Next update can be made at ${javaDateString(next_ms)}`,
  );
}
