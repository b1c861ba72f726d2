/**
 * Calls `onTick` at every multiple of `intervalMs` of wall-clock time (10:00:00, 10:00:10,
 * ...) with that multiple, so every series from the agent has regularly spaced timestamps
 * (which the store encodes nearly for free). A tick the process slept through is not
 * replayed: the next one is the next multiple after now.
 */
export interface Ticker {
  stop(): void;
}

export function startAlignedTicker(intervalMs: number, onTick: (tickMs: number) => void, now: () => number = Date.now): Ticker {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const schedule = (): void => {
    const t = now();
    const next = (Math.floor(t / intervalMs) + 1) * intervalMs;
    timer = setTimeout(() => {
      if (stopped) return;
      // Timers fire late by a few ms, never early by more than the clock's granularity.
      onTick(Math.round(now() / intervalMs) * intervalMs);
      schedule();
    }, next - t);
    timer.unref();
  };
  schedule();
  return {
    stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}
