import type { IncomingMessage } from 'node:http';
import type { SlowBody, WatchedBody } from '../net/index.js';
import { BodyReservation } from './body-reservation.js';

export type BodyResult =
  | { readonly status: 'ok'; readonly body: Uint8Array }
  | { readonly status: 'too_large' }
  | { readonly status: 'over_budget' }
  | { readonly status: 'too_slow'; readonly why: SlowBody }
  | { readonly status: 'aborted' };

/**
 * Reads a request body into one buffer of its own (so it can be transferred to a worker),
 * stopping as soon as it passes `maxBytes`, taking in-flight budget as bytes arrive
 * (body-reservation.ts) and giving up on a body the watch finds too slow.
 */
export function readBody(req: IncomingMessage, maxBytes: number, reserve: (bytes: number) => boolean, watch: (onSlow: (why: SlowBody) => void) => WatchedBody): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let done = false;
    const reservation = new BodyReservation(reserve, Number(req.headers['content-length'] ?? NaN));
    const watched = watch((why) => finish({ status: 'too_slow', why }));
    const finish = (r: BodyResult): void => {
      if (done) return;
      done = true;
      watched.end();
      req.off('data', onData);
      if (r.status !== 'ok') req.pause();
      resolve(r);
    };
    const onData = (chunk: Buffer): void => {
      total += chunk.length;
      watched.received(chunk.length);
      if (total > maxBytes) return finish({ status: 'too_large' });
      if (!reservation.arrived(chunk.length)) return finish({ status: 'over_budget' });
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => {
      const body = new Uint8Array(new ArrayBuffer(total));
      let at = 0;
      for (const c of chunks) {
        body.set(c, at);
        at += c.length;
      }
      finish({ status: 'ok', body });
    });
    req.once('error', () => finish({ status: 'aborted' }));
    req.once('aborted', () => finish({ status: 'aborted' }));
  });
}
