import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { CairnProcess } from '../../support/cli.js';
import { cliConfigYaml, spawnCairn, tempDir } from '../../support/cli.js';
import { httpRequest, postMetrics } from '../../support/http-client.js';
import { goodRequest } from '../../support/payloads.js';

// Hostile clients on the same host (issue 12, item 5), against the CLI-started agent: bodies
// announced at 16 MiB and sent a byte at a time, and one address opening too many connections
// or requests. An honest client must keep its throughput; the attackers are cut off and counted.

const running: CairnProcess[] = [];
const dirs: ReturnType<typeof tempDir>[] = [];
afterEach(async () => {
  for (const c of running.splice(0)) await c.kill();
  for (const d of dirs.splice(0)) d.remove();
});

interface Agent {
  readonly cairn: CairnProcess;
  readonly host: string;
  readonly httpPort: number;
  readonly grpcPort: number;
  readonly otlpUrl: string;
  readonly apiBase: string;
}

async function start(limits: string): Promise<Agent> {
  const dir = tempDir('cairn-loris-');
  dirs.push(dir);
  const cairn = spawnCairn(['run', '--config', dir.write('cairn.yaml', cliConfigYaml(`limits:\n${limits}`))]);
  running.push(cairn);
  const addr = await cairn.listening();
  const apiBase = `http://${String((await cairn.waitForLog('api listening'))['address'])}`;
  const [host, httpPort] = addr.http.split(':');
  return { cairn, host: host!, httpPort: Number(httpPort), grpcPort: Number(addr.grpc.split(':')[1]), otlpUrl: `http://${addr.http}/v1/metrics`, apiBase };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function metricsText(a: Agent): Promise<string> {
  return (await httpRequest(`${a.apiBase}/metrics`, { method: 'GET' })).body.toString();
}

/** One sample of a metric by its exact rendered label set; 0 when absent. */
function sample(text: string, name: string, labels = ''): number {
  const escaped = `${name}${labels === '' ? '' : `{${labels}}`}`.replace(/[{}"=.]/g, (c) => `\\${c}`);
  const m = new RegExp(`^${escaped} (\\S+)$`, 'm').exec(text);
  return m === null ? 0 : Number(m[1]);
}

const MiB16 = 16 * 1024 * 1024;

interface Trickle {
  /** HTTP status the agent answered with, null when it closed without one (or we stopped first). */
  readonly status: number | null;
  readonly body: string;
  /** From the connection to the agent's answer or close. */
  readonly cutAfterMs: number;
  readonly bytesSent: number;
  /** We stopped it (the attack ended) before the agent did. */
  readonly stopped: boolean;
}

/**
 * A raw HTTP request announcing a 16 MiB OTLP body and sending `chunk` bytes every
 * `everyMs`, until the agent answers or closes the connection, or `stop` says so.
 */
function trickle(a: Agent, stop: { now: boolean }, everyMs: number, chunk = 1, localAddress?: string): Promise<Trickle> {
  return new Promise((resolve) => {
    const startedMs = performance.now();
    const socket = net.connect({ host: a.host, port: a.httpPort, localAddress });
    let answer = '';
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (stopped: boolean): void => {
      if (done) return;
      done = true;
      clearInterval(timer);
      const m = /^HTTP\/1\.1 (\d{3})/.exec(answer);
      const body = answer.split('\r\n\r\n').slice(1).join('\r\n\r\n');
      resolve({ status: m === null ? null : Number(m[1]), body, cutAfterMs: performance.now() - startedMs, bytesSent: sent, stopped });
      socket.destroy();
    };
    socket.on('connect', () => {
      socket.write(`POST /v1/metrics HTTP/1.1\r\nHost: ${a.host}\r\nContent-Type: application/json\r\nContent-Length: ${MiB16}\r\n\r\n`);
      const piece = Buffer.alloc(chunk, 0x20); // JSON whitespace
      timer = setInterval(() => {
        if (stop.now) return finish(true);
        if (!socket.writable) return;
        socket.write(piece);
        sent += piece.length;
      }, everyMs);
    });
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      answer += d;
    });
    socket.on('error', () => undefined);
    socket.on('close', () => finish(false));
    // An answer with Connection: close ends with the close; wait for it rather than parse lengths.
  });
}

/** `n` attackers, each reconnecting as soon as it is cut off, until `stop.now`. */
function attack(a: Agent, n: number, stop: { now: boolean }, everyMs: number, chunk = 1): Promise<Trickle[]> {
  const results: Trickle[] = [];
  const one = async (): Promise<void> => {
    while (!stop.now) results.push(await trickle(a, stop, everyMs, chunk));
  };
  return Promise.all(Array.from({ length: n }, one)).then(() => results);
}

/** Sends small valid requests one after another for `ms`; counts answers by status. */
async function honest(a: Agent, ms: number): Promise<{ ok: number; other: Record<number, number>; perSecond: number }> {
  const end = performance.now() + ms;
  const started = performance.now();
  let ok = 0;
  const other: Record<number, number> = {};
  while (performance.now() < end) {
    let status: number;
    try {
      status = (await postMetrics(a.otlpUrl, goodRequest('honest').proto, { timeoutMs: 10_000 })).status;
    } catch {
      status = -1;
    }
    if (status === 200) ok++;
    else other[status] = (other[status] ?? 0) + 1;
  }
  return { ok, other, perSecond: (ok * 1000) / (performance.now() - started) };
}

describe('slow-loris', () => {
  it('four 16 MiB bodies trickled a byte at a time neither lock out an honest client nor hold the budget; they are cut off with 408 and counted', { timeout: 90_000 }, async () => {
    // Default in-flight budget (64 MiB: four announced 16 MiB bodies would fill it if taken as
    // announced), a short grace and timeout so the test runs in seconds.
    const a = await start('  min_body_rate: 1KiB\n  body_grace: 1s\n  body_timeout: 10s\n');
    const WINDOW_MS = 5000;
    // Warm up (a worker starting, first connections), then the baseline.
    await honest(a, 1000);
    const before = await honest(a, WINDOW_MS);

    const stop = { now: false };
    const attacking = attack(a, 4, stop, 100);
    await sleep(300); // the four requests are in: headers read, bodies trickling
    let maxInflight = 0;
    const sampling = (async () => {
      while (!stop.now) {
        maxInflight = Math.max(maxInflight, sample(await metricsText(a), 'cairn_pipeline_inflight_bytes'));
        await sleep(200);
      }
    })();
    const during = await honest(a, WINDOW_MS);
    stop.now = true;
    const tricklers = await attacking;
    await sampling;
    // And after: other test files share the machine, so the attack is compared with the
    // slower of the windows around it rather than with one that may have had the CPU alone.
    const after = await honest(a, WINDOW_MS);

    const ratio = during.perSecond / Math.min(before.perSecond, after.perSecond);
    console.log(
      `[slow-loris] honest client: ${before.perSecond.toFixed(1)} req/s before (${before.ok} in ${WINDOW_MS} ms), ` +
        `${during.perSecond.toFixed(1)} req/s during the attack (${during.ok}; ${(ratio * 100).toFixed(0)} % of the slower window around it), ` +
        `${after.perSecond.toFixed(1)} req/s after; ` +
        `non-200 during: ${JSON.stringify(during.other)}; ${tricklers.filter((t) => !t.stopped).length} trickling requests cut off ` +
        `after ${tricklers.filter((t) => !t.stopped).map((t) => Math.round(t.cutAfterMs)).join(', ')} ms; max in-flight ${maxInflight} bytes`,
    );

    // The honest client kept getting 200s, and most of its throughput.
    expect(before.other).toEqual({});
    expect(during.other).toEqual({});
    expect(after.other).toEqual({});
    expect(during.ok).toBeGreaterThanOrEqual(20);
    expect(ratio).toBeGreaterThanOrEqual(0.5);

    // Each trickler was answered 408 (body slower than min_body_rate) and disconnected once
    // body_grace had passed (one check tick, 0.5 s, after it on an idle machine), well before body_timeout.
    const cut = tricklers.filter((t) => !t.stopped);
    expect(cut.length).toBeGreaterThanOrEqual(4);
    for (const t of cut) {
      expect(t.status).toBe(408);
      expect(JSON.parse(t.body)).toMatchObject({ code: 4, message: 'request body arrived slower than limits.min_body_rate' });
      expect(t.cutAfterMs).toBeGreaterThanOrEqual(1000);
      expect(t.cutAfterMs).toBeLessThan(5000);
      expect(t.bytesSent).toBeLessThan(100);
    }
    // Budget is taken as bytes arrive: four announced 16 MiB bodies held a few 64 KiB steps.
    expect(maxInflight).toBeLessThan(4 * 64 * 1024 + 1024 * 1024);

    const text = await metricsText(a);
    const counted = sample(text, 'cairn_receiver_refused_requests_total', 'reason="body_rate",receiver="otlp_http"') || sample(text, 'cairn_receiver_refused_requests_total', 'receiver="otlp_http",reason="body_rate"');
    // The attack's end can race an answer we no longer read: at most one per attacker more.
    expect(counted).toBeGreaterThanOrEqual(cut.length);
    expect(counted).toBeLessThanOrEqual(cut.length + 4);
    expect(text).not.toMatch(/^cairn_receiver_refused_requests_total\{[^}]*reason="inflight_bytes"[^}]*\} [1-9]/m);
    expect(text).not.toMatch(/^cairn_receiver_refused_requests_total\{[^}]*reason="body_timeout"[^}]*\} [1-9]/m);
  });

  it('a body fast enough for min_body_rate but not done within body_timeout is cut off at the timeout', { timeout: 60_000 }, async () => {
    const a = await start('  min_body_rate: 1KiB\n  body_grace: 500ms\n  body_timeout: 2s\n');
    const stop = { now: false };
    // 4 KiB every 250 ms: 16 KiB/s, far above the minimum rate, far below 16 MiB in 2 s.
    const [t] = await Promise.all([trickle(a, stop, 250, 4096)]);
    stop.now = true;
    expect(t!.stopped).toBe(false);
    expect(t!.status).toBe(408);
    expect(JSON.parse(t!.body)).toMatchObject({ code: 4, message: 'request body did not arrive within limits.body_timeout' });
    expect(t!.cutAfterMs).toBeGreaterThanOrEqual(2000);
    expect(t!.cutAfterMs).toBeLessThan(4000);
    const text = await metricsText(a);
    expect(text).toMatch(/^cairn_receiver_refused_requests_total\{(receiver="otlp_http",reason="body_timeout"|reason="body_timeout",receiver="otlp_http")\} 1$/m);
    expect((await postMetrics(a.otlpUrl, goodRequest('after').proto)).status).toBe(200);
  });
});

/** Opens a raw connection from `localAddress`; resolves once connected with a probe of whether the agent closed it. */
function connectFrom(host: string, port: number, localAddress: string): Promise<{ socket: net.Socket; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const startedMs = performance.now();
    const socket = net.connect({ host, port, localAddress });
    const closed = new Promise<number>((r) => socket.on('close', () => r(performance.now() - startedMs)));
    socket.on('error', () => undefined);
    socket.once('connect', () => resolve({ socket, closed }));
    socket.once('close', () => reject(new Error(`connection from ${localAddress} closed before it connected`)));
  });
}

/** One whole OTLP/JSON request over a raw connection from `localAddress`; the status and body of the answer. */
function rawPost(a: Agent, body: Buffer, localAddress: string): Promise<{ status: number | null; body: string }> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: a.host, port: a.httpPort, localAddress });
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('connect', () => {
      socket.write(`POST /v1/metrics HTTP/1.1\r\nHost: ${a.host}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`);
      socket.write(body);
    });
    socket.on('data', (d: string) => {
      answer += d;
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const m = /^HTTP\/1\.1 (\d{3})/.exec(answer);
      resolve({ status: m === null ? null : Number(m[1]), body: answer.split('\r\n\r\n').slice(1).join('\r\n\r\n') });
    });
  });
}

const within = <T>(p: Promise<T>, ms: number): Promise<T | 'open'> => Promise.race([p, sleep(ms).then(() => 'open' as const)]);

describe('per-peer limits', () => {
  // The attacker connects from 127.0.0.2, the honest client from 127.0.0.1: two peers.
  const ATTACKER = '127.0.0.2';

  it('connections over max_connections_per_peer are closed on both listeners; other peers are served; a closed one frees its slot', { timeout: 60_000 }, async () => {
    const a = await start('  max_connections_per_peer: 4\n');
    for (const [listener, port] of [['otlp_http', a.httpPort], ['otlp_grpc', a.grpcPort]] as const) {
      const held = [];
      for (let i = 0; i < 4; i++) held.push(await connectFrom(a.host, port, ATTACKER));
      const extra = await connectFrom(a.host, port, ATTACKER);
      expect(await within(extra.closed, 5000), `${listener}: the fifth connection is closed`).not.toBe('open');
      // The four held ones stay open.
      for (const h of held) expect(await within(h.closed, 100)).toBe('open');
      // Another peer is not affected.
      if (listener === 'otlp_http') expect((await postMetrics(a.otlpUrl, goodRequest('other_peer').proto)).status).toBe(200);
      // Closing one frees its slot.
      held[0]!.socket.destroy();
      await held[0]!.closed;
      const deadline = Date.now() + 5000;
      let replacement: Awaited<ReturnType<typeof connectFrom>> | undefined;
      while (Date.now() < deadline) {
        const c = await connectFrom(a.host, port, ATTACKER);
        if ((await within(c.closed, 300)) === 'open') {
          replacement = c;
          break;
        }
      }
      expect(replacement, `${listener}: a connection is accepted again once one closed`).toBeDefined();
      for (const h of [...held, replacement!]) h.socket.destroy();
      const text = await metricsText(a);
      expect(sample(text, 'cairn_listener_refused_total', `listener="${listener}",reason="connections_per_peer"`)).toBeGreaterThanOrEqual(1);
    }
    // Exactly one refusal per listener unless a retry above raced the close of the freed slot.
    const text = await metricsText(a);
    expect(sample(text, 'cairn_listener_refused_total', 'listener="otlp_http",reason="connections_per_peer"')).toBeGreaterThanOrEqual(1);
  });

  it('requests over max_inflight_requests_per_peer get 429 while other peers are served', { timeout: 60_000 }, async () => {
    const a = await start('  max_inflight_requests_per_peer: 2\n  body_grace: 20s\n  body_timeout: 30s\n');
    const stop = { now: false };
    const slow = [trickle(a, stop, 100, 1, ATTACKER), trickle(a, stop, 100, 1, ATTACKER)];
    // Both requests are in flight once the agent has read their headers; poll a third until refused.
    const deadline = Date.now() + 10_000;
    let third: { status: number | null; body: string } | undefined;
    while (Date.now() < deadline) {
      third = await rawPost(a, goodRequest('third').json, ATTACKER);
      if (third.status === 429) break;
      await sleep(50);
    }
    expect(third?.status).toBe(429);
    expect(JSON.parse(third!.body)).toMatchObject({ message: expect.stringContaining('limits.max_inflight_requests_per_peer') });
    expect((await postMetrics(a.otlpUrl, goodRequest('other_peer').proto)).status).toBe(200);
    stop.now = true;
    for (const s of await Promise.all(slow)) expect(s.stopped).toBe(true);
    const text = await metricsText(a);
    expect(sample(text, 'cairn_listener_refused_total', 'listener="otlp_http",reason="requests_per_peer"')).toBeGreaterThanOrEqual(1);
  });
});
