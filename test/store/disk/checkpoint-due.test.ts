// When a head checkpoint is due: by age, and when ingest goes quiet after a burst, but not for
// the agent's own trickle of host and self metrics (an idle agent must not rewrite its head
// every quiet spell).
import { describe, expect, it } from 'vitest';
import { Checkpointer } from '../../../src/store/disk/checkpoint.js';
import type { HeadIngest } from '../../../src/store/disk/ingest.js';
import type { StoreParts } from '../../../src/store/disk/parts.js';

const MIN = 60_000;

/** A checkpointer over just what `due` reads: the clock, the interval, the budget, the WAL's segments. */
function setup(): { cp: Checkpointer; ingest: { covered: { segment: number; offset: number } | null; pointsIngested: number }; clock: { now: number } } {
  const clock = { now: 0 };
  const ingest = { covered: null as { segment: number; offset: number } | null, pointsIngested: 0 };
  const parts = {
    now: () => clock.now,
    config: { checkpoint_interval: 5 * MIN, max_disk_bytes: 1 << 30 },
    wal: { segments: () => [{ segment: 0, bytes: 1000 }] },
  } as unknown as StoreParts;
  const cp = new Checkpointer(parts, ingest as unknown as HeadIngest, null, async () => undefined);
  return { cp, ingest, clock };
}

/** Ingest `perTick` points every 10 s for `ms`, asking `due` each tick; the times it said yes. */
function run(s: ReturnType<typeof setup>, perTick: number, ms: number): number[] {
  const yes: number[] = [];
  for (let end = s.clock.now + ms; s.clock.now < end; ) {
    s.clock.now += 10_000;
    s.ingest.pointsIngested += perTick;
    s.ingest.covered = { segment: 0, offset: s.ingest.pointsIngested };
    if (s.cp.due(s.clock.now)) yes.push(s.clock.now);
  }
  return yes;
}

describe('Checkpointer.due', () => {
  it('an idle trickle waits for the interval', () => {
    const s = setup();
    expect(run(s, 500, 4 * MIN)).toEqual([]);
    expect(run(s, 500, 2 * MIN)[0]).toBe(5 * MIN);
  });

  it('a burst followed by a quiet spell is due before the interval', () => {
    const s = setup();
    run(s, 30_000, 30_000);
    const yes = run(s, 500, 30_000);
    expect(yes.length).toBeGreaterThan(0);
    expect(yes[0]).toBeLessThan(5 * MIN);
  });
});
