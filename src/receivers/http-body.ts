import type { IncomingMessage } from 'node:http';

export type BodyResult =
  | { readonly status: 'ok'; readonly body: Uint8Array }
  | { readonly status: 'too_large' }
  | { readonly status: 'over_budget' }
  | { readonly status: 'aborted' };

/**
 * Reads a request body into one buffer of its own (so it can be transferred to a worker),
 * stopping as soon as it passes `maxBytes` and asking `reserve` for budget chunk by chunk
 * beyond what was admitted up front.
 */
export function readBody(req: IncomingMessage, maxBytes: number, admitted: number, reserve: (bytes: number) => boolean): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let held = admitted;
    let done = false;
    const finish = (r: BodyResult): void => {
      if (done) return;
      done = true;
      req.off('data', onData);
      if (r.status !== 'ok') req.pause();
      resolve(r);
    };
    const onData = (chunk: Buffer): void => {
      total += chunk.length;
      if (total > maxBytes) return finish({ status: 'too_large' });
      if (total > held) {
        const more = Math.max(total - held, 64 * 1024);
        if (!reserve(more)) return finish({ status: 'over_budget' });
        held += more;
      }
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
