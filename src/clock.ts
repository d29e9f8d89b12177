/**
 * Time reaches the core only through a `Clock`, so tests (and `--clock manual`) can move it
 * explicitly and every time-driven behaviour (table state delays, TTL, stream retention, capacity
 * buckets) follows the same clock.
 *
 * Work that must happen at a later time (a table becoming ACTIVE after its CREATING delay) is
 * scheduled with `startTimer`, which uses a real timer on the system clock and the manual clock's
 * own agenda on a manual one: moving the manual clock past a timer's due time fires it, and never
 * before, so a test decides exactly when it happens.
 */
import { assert } from './errors.js';

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Cancels a timer started with `startTimer`; a no-op once it has fired. */
export type CancelTimer = () => void;

/** Work run after each move of a manual clock (background sweeps: TTL, stream retention). */
export type AdvanceListener = () => Promise<void>;

interface ManualTimer {
  readonly due_ms: number;
  /** Start order: timers due at the same time fire in the order they were started. */
  readonly order: number;
  readonly fire: () => void;
}

/**
 * A clock that moves only when told to (`--clock manual`, `db.clock.advance(ms)`, the admin
 * endpoint `POST /_dynabase/clock`). It starts at the time it is created unless given one.
 */
export class ManualClock implements Clock {
  private now_ms: number;
  private timers: ManualTimer[] = [];
  private nextOrder = 0;
  private readonly listeners = new Set<AdvanceListener>();
  /** Moves are applied one after another, so concurrent advances add up. */
  private moving: Promise<void> = Promise.resolve();
  /** A move that fires timers is under way (it moves the time step by step). */
  private moveInProgress = false;

  constructor(start_ms: number = Date.now()) {
    assert(Number.isFinite(start_ms), 'a manual clock starts at a finite time');
    this.now_ms = start_ms;
  }

  now(): number {
    return this.now_ms;
  }

  /**
   * Moves the clock forward by `delta_ms`. Timers due on the way fire in due order, each with the
   * clock standing at its due time; then the advance listeners run at the final time. Resolves
   * once all of that is done. When no timer is due, the time has moved before this returns, so a
   * caller that does not await still sees the new time at once.
   */
  advance(delta_ms: number): Promise<void> {
    assert(Number.isFinite(delta_ms) && delta_ms >= 0, `a manual clock moves forward by a finite amount, got ${delta_ms}`);
    // Fast path: nothing in flight and no timer due, so the time moves synchronously.
    if (!this.moveInProgress && !this.hasTimerDueBy(this.now_ms + delta_ms)) {
      this.now_ms += delta_ms;
      this.moving = this.runListeners();
    } else {
      this.moving = this.moving.then(() => this.moveBy(delta_ms));
    }
    return this.moving;
  }

  /** Registers work to run after every move; returns its unsubscribe function. */
  onAdvance(listener: AdvanceListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Runs `fire` once the clock has been moved `delay_ms` or more past now. */
  startTimer(delay_ms: number, fire: () => void): CancelTimer {
    const timer: ManualTimer = { due_ms: this.now_ms + Math.max(0, delay_ms), order: this.nextOrder++, fire };
    this.timers.push(timer);
    this.timers.sort((a, b) => a.due_ms - b.due_ms || a.order - b.order);
    return () => {
      this.timers = this.timers.filter((candidate) => candidate !== timer);
    };
  }

  private hasTimerDueBy(time_ms: number): boolean {
    return this.timers.length > 0 && this.timers[0]!.due_ms <= time_ms;
  }

  private async moveBy(delta_ms: number): Promise<void> {
    this.moveInProgress = true;
    try {
      const target_ms = this.now_ms + delta_ms;
      while (this.hasTimerDueBy(target_ms)) {
        const timer = this.timers.shift()!;
        this.now_ms = Math.max(this.now_ms, timer.due_ms);
        timer.fire();
        // Let what the timer started (a table's state change) run before time moves on.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      this.now_ms = target_ms;
      await this.runListeners();
    } finally {
      this.moveInProgress = false;
    }
  }

  private async runListeners(): Promise<void> {
    for (const listener of [...this.listeners]) await listener();
  }
}

/**
 * Runs `fire` after `delay_ms` on `clock`: a real timer (not keeping the process alive) on the
 * system clock, the clock's agenda on a manual clock.
 */
export function startTimer(clock: Clock, delay_ms: number, fire: () => void): CancelTimer {
  if (clock instanceof ManualClock) return clock.startTimer(delay_ms, fire);
  const timer = setTimeout(fire, delay_ms);
  timer.unref();
  return () => clearTimeout(timer);
}
