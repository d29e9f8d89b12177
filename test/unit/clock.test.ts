/**
 * The manual clock: time moves only when told, timers fire in due order with the clock standing
 * at their due time, and the advance listeners (background sweeps) run after each move.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock, startTimer, systemClock } from '../../src/clock.js';

test('time moves only when advanced, and at once when no timer is due', () => {
  const clock = new ManualClock(1_000);
  assert.equal(clock.now(), 1_000);
  void clock.advance(250);
  assert.equal(clock.now(), 1_250);
});

test('timers fire in due order, each at its due time, and not before', async () => {
  const clock = new ManualClock(0);
  const fired: string[] = [];
  startTimer(clock, 300, () => fired.push(`c@${clock.now()}`));
  startTimer(clock, 100, () => fired.push(`a@${clock.now()}`));
  startTimer(clock, 100, () => fired.push(`b@${clock.now()}`));
  const cancel = startTimer(clock, 200, () => fired.push('cancelled'));
  cancel();
  await clock.advance(99);
  assert.deepEqual(fired, []);
  await clock.advance(201);
  // a and b are due at the same time: they fire in the order they were started.
  assert.deepEqual(fired, ['a@100', 'b@100', 'c@300']);
  assert.equal(clock.now(), 300);
});

test('concurrent advances add up, and listeners run after each move', async () => {
  const clock = new ManualClock(0);
  const seen: number[] = [];
  const unsubscribe = clock.onAdvance(async () => {
    seen.push(clock.now());
  });
  startTimer(clock, 50, () => {});
  await Promise.all([clock.advance(100), clock.advance(100)]);
  assert.equal(clock.now(), 200);
  assert.deepEqual(seen, [100, 200]);
  unsubscribe();
  await clock.advance(1);
  assert.deepEqual(seen, [100, 200]);
});

test('a manual clock refuses to move backwards or by a non-number', () => {
  const clock = new ManualClock(0);
  assert.throws(() => clock.advance(-1), /moves forward/);
  assert.throws(() => clock.advance(Number.NaN), /moves forward/);
});

test('on the system clock a timer is a real timer', async () => {
  const fired = await new Promise<boolean>((resolve) => {
    startTimer(systemClock, 1, () => resolve(true));
  });
  assert.equal(fired, true);
});
