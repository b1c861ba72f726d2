import { answer } from './api-context.js';
import type { ApiHandler } from './api-context.js';

/** `GET /api/v1/status/exporters`: each exporter's state, backlog and counts (docs/forwarding.md); [] without exporters. */
export const handleExporters: ApiHandler = async (_params, ctx) => answer(JSON.stringify(ctx.exporters?.() ?? []));
