/**
 * Times as DynamoDB's messages print them. DynamoDB is a Java service and its texts embed times
 * in two Java styles, always in UTC: `Date.toString` ("Sat Feb 23 03:07:45 UTC 2019", in the
 * on-demand switch limit and in the Streams iterator expiry) and the FULL date-time style
 * ("Monday, February 13, 2023 at 10:25:39 AM Coordinated Universal Time", in the throughput
 * decrease limit). Pure: no clock is read here.
 */

const weekdays = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function two(value: number): string {
  return String(value).padStart(2, '0');
}

/** Java's `Date.toString` in UTC: `Thu Jul 02 12:57:57 UTC 2015` (day of month on two digits). */
export function javaDateString(time_ms: number): string {
  const date = new Date(time_ms);
  return (
    `${weekdays[date.getUTCDay()]!.slice(0, 3)} ${months[date.getUTCMonth()]!.slice(0, 3)} ${two(date.getUTCDate())} ` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} UTC ${date.getUTCFullYear()}`
  );
}

/** Java's FULL date-time style in UTC: `Monday, February 13, 2023 at 10:25:39 AM Coordinated Universal Time`. */
export function javaFullDateTime(time_ms: number): string {
  const date = new Date(time_ms);
  const hours = date.getUTCHours();
  const hour12 = hours % 12 === 0 ? 12 : hours % 12;
  return (
    `${weekdays[date.getUTCDay()]}, ${months[date.getUTCMonth()]} ${date.getUTCDate()}, ${date.getUTCFullYear()} at ` +
    `${hour12}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} ${hours < 12 ? 'AM' : 'PM'} Coordinated Universal Time`
  );
}
