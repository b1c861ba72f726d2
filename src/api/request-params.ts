import type { IncomingMessage } from 'node:http';
import { badData } from './api-error.js';

/** Request parameters the way Go's `r.Form` merges them: form body values first, then the URL's. */
export interface RequestParams {
  /** The first value, or '' when absent (like Go's `FormValue`). */
  first(name: string): string;
  all(name: string): readonly string[];
}

/** Go's limit for url-encoded bodies; Grafana sends long `match[]` lists by POST for this reason. */
export const MAX_FORM_BYTES = 10 * 1024 * 1024;
const FORM_TYPE = 'application/x-www-form-urlencoded';

export async function readParams(req: IncomingMessage, url: URL): Promise<RequestParams> {
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const body = req.method === 'POST' && mediaType === FORM_TYPE ? new URLSearchParams(await readText(req)) : new URLSearchParams();
  return {
    first: (name) => body.get(name) ?? url.searchParams.get(name) ?? '',
    all: (name) => [...body.getAll(name), ...url.searchParams.getAll(name)],
  };
}

function readText(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    req.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > MAX_FORM_BYTES) {
        req.pause();
        reject(badData('error parsing form values: http: POST too large'));
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });
}
