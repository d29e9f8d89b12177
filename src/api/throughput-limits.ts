/**
 * UpdateTable's limits on how often capacity may change: provisioned throughput decreases per UTC
 * day (table and each GSI separately) and switches to on-demand per rolling 24 hours. Both count
 * from state kept on the table record (NumberOfDecreasesToday and LastDecreaseDateTime in the
 * throughput description; `onDemandSwitches_ms` on the record), so they survive a restart, and
 * read time only from the injected clock.
 */
import { limitExceeded } from '../errors.js';
import {
  free_throughput_decreases_per_day,
  max_on_demand_switches_per_window,
  on_demand_switch_window_ms,
  throughput_decrease_interval_ms,
} from '../limits.js';

const weekdays = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * A time as DynamoDB's limit messages print it (Java's FULL date-time style in UTC):
 * "Monday, February 13, 2023 at 10:25:39 AM Coordinated Universal Time".
 */
function fullUtcDateTime(time_ms: number): string {
  const date = new Date(time_ms);
  const hours = date.getUTCHours();
  const hour12 = hours % 12 === 0 ? 12 : hours % 12;
  const two = (value: number): string => String(value).padStart(2, '0');
  return (
    `${weekdays[date.getUTCDay()]}, ${months[date.getUTCMonth()]} ${date.getUTCDate()}, ${date.getUTCFullYear()} at ` +
    `${hour12}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} ${hours < 12 ? 'AM' : 'PM'} Coordinated Universal Time`
  );
}

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
      `${throughput_decrease_interval_ms / 1000} seconds. Number of decreases today: ${today}. Last decrease at ${fullUtcDateTime(last_ms)}. ` +
      `Next decrease can be made at ${fullUtcDateTime(last_ms + throughput_decrease_interval_ms)}`,
  );
}

/** The switches to on-demand still inside the rolling window at `now_ms`, oldest first. */
function recentOnDemandSwitches(switches_ms: readonly number[] | undefined, now_ms: number): number[] {
  return (switches_ms ?? []).filter((time_ms) => now_ms - time_ms < on_demand_switch_window_ms);
}

/**
 * Throws LimitExceededException when a switch to on-demand now would be the fifth in 24 hours;
 * otherwise returns the switches still inside the window (to which this one is added).
 * The wording follows DynamoDB's message for this limit ("Update to PayPerRequest mode are
 * limited to ...", last and next update times); see docs/compatibility.md.
 */
export function checkOnDemandSwitchAllowed(switches_ms: readonly number[] | undefined, now_ms: number): number[] {
  const recent = recentOnDemandSwitches(switches_ms, now_ms);
  if (recent.length < max_on_demand_switches_per_window) return recent;
  const last_ms = recent[recent.length - 1]!;
  const next_ms = recent[recent.length - max_on_demand_switches_per_window]! + on_demand_switch_window_ms;
  throw limitExceeded(
    `Subscriber limit exceeded: Update to PayPerRequest mode are limited to ${max_on_demand_switches_per_window} times in 1 day(s). ` +
      `Last update at ${fullUtcDateTime(last_ms)}. Next update can be made at ${fullUtcDateTime(next_ms)}`,
  );
}
