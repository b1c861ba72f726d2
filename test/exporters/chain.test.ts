// The send wrappers on their own: backoff bounds, retry delays, failover order and failback.
import { describe, expect, it } from 'vitest';
import { backoffMs } from '../../src/exporters/chain/backoff.js';
import { FailoverSender } from '../../src/exporters/chain/failover-sender.js';
import { withRetry } from '../../src/exporters/chain/retry-sender.js';
import { ExporterStats } from '../../src/exporters/exporter-stats.js';
import type { ForwardBatch } from '../../src/exporters/forward-batch.js';
import type { SendOutcome, Sender } from '../../src/exporters/send-outcome.js';
import { sendOk, sendRetry } from '../../src/exporters/send-outcome.js';
import { silentLogger } from '../../src/log/index.js';
import { Registry } from '../../src/telemetry/index.js';
import { rng } from '../support/store-units.js';

const batch = { pointCount: 10 } as ForwardBatch;
const signal = new AbortController().signal;

/** A sender answering from a script and recording which endpoint got each attempt. */
function scripted(name: string, log: string[], answer: () => SendOutcome): Sender {
  return { send: async () => (log.push(name), answer()) };
}

describe('backoff', () => {
  it('stays within [0, min(max, initial·2^attempt)] and uses the whole range', () => {
    const random = rng(7);
    for (let attempt = 0; attempt < 12; attempt++) {
      const ceiling = Math.min(60_000, 1000 * 2 ** attempt);
      const delays = Array.from({ length: 200 }, () => backoffMs(attempt, 1000, 60_000, random));
      expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...delays)).toBeLessThanOrEqual(ceiling);
      expect(Math.max(...delays)).toBeGreaterThan(ceiling * 0.8);
    }
  });
});

describe('retry', () => {
  it('waits at least Retry-After, the auth interval for 401s, and gives back a suspect batch after repeated server errors', async () => {
    const waits: number[] = [];
    const answers: SendOutcome[] = [
      sendRetry('throttled', '429', 'slow down', 5000),
      sendRetry('auth', '401', 'token'),
      sendRetry('unavailable', '503', 'down'),
      sendRetry('server_error', '500', 'boom'),
      sendRetry('server_error', '500', 'boom'),
    ];
    const retry = withRetry({ send: async () => answers.shift() ?? sendOk('204') }, { initialMs: 100, maxMs: 1000, authIntervalMs: 30_000, suspectAfter: 2, random: () => 0.5, sleep: async (ms) => (waits.push(ms), true) });
    const outcome = await retry.send(batch, signal);
    expect(outcome).toMatchObject({ status: 'retryable', failure: 'server_error', suspect: true });
    expect(waits).toEqual([5000, 30_000, 200, 400]);
  });
});

describe('failover', () => {
  it('moves to the next endpoint after failover_after failures and back to the primary on the probe', async () => {
    let now = 0;
    let primaryUp = true;
    const log: string[] = [];
    const f = new FailoverSender(
      [
        { endpoint: 'a', sender: scripted('a', log, () => (primaryUp ? sendOk('204') : sendRetry('unavailable', '503', 'down'))) },
        { endpoint: 'b', sender: scripted('b', log, () => sendOk('204')) },
      ],
      { failoverAfter: 2, failbackIntervalMs: 1000, now: () => now },
      new ExporterStats(new Registry(), 't'),
      silentLogger,
    );
    expect((await f.send(batch, signal)).status).toBe('ok');
    primaryUp = false;
    expect((await f.send(batch, signal)).status).toBe('retryable');
    expect(await f.send(batch, signal)).toMatchObject({ status: 'retryable', failedOver: true });
    expect(f.status().map((e) => e.state)).toEqual(['circuit_open', 'active']);
    expect((await f.send(batch, signal)).status).toBe('ok');
    now = 999;
    expect((await f.send(batch, signal)).status).toBe('ok');
    expect(log).toEqual(['a', 'a', 'a', 'b', 'b']);
    primaryUp = true;
    now = 1000;
    expect((await f.send(batch, signal)).status).toBe('ok');
    expect(log.at(-1)).toBe('a');
    expect(f.status().map((e) => e.state)).toEqual(['active', 'standby']);
  });
});
