import type { Attributes, HrTime } from '@opentelemetry/api';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { DataPointType } from '@opentelemetry/sdk-metrics';
import type { RecordedResult } from './otel-sdk.js';
import { RecordingExporter } from './otel-sdk.js';

// Wraps a real OTel SDK exporter and keeps every export the agent acknowledged, flattened to
// plain points, so tests know exactly which timestamps and values the agent must return.

export interface AckedPoint {
  readonly metric: string;
  readonly unit: string;
  readonly kind: 'sum' | 'gauge' | 'histogram' | 'other';
  readonly attributes: Attributes;
  readonly resource: Attributes;
  /** endTime in whole ms (the agent floors nanoseconds to ms). */
  readonly timeMs: number;
  readonly value?: number;
  readonly histogram?: { readonly boundaries: number[]; readonly counts: number[]; readonly sum: number; readonly count: number };
}

/** HrTime [seconds, nanos] to whole milliseconds, as the agent converts time_unix_nano. */
export const hrTimeToMs = (t: HrTime): number => t[0] * 1000 + Math.floor(t[1] / 1e6);

/** A RecordingExporter that also keeps, flattened, every export the agent acknowledged. */
export class CapturingExporter extends RecordingExporter {
  readonly acked: AckedPoint[] = [];

  get failures(): RecordedResult[] {
    return this.results.filter((r) => r.code !== 0);
  }

  override export(metrics: ResourceMetrics, resultCallback: (result: RecordedResult) => void): void {
    super.export(metrics, (result) => {
      if (result.code === 0) this.acked.push(...flatten(metrics));
      resultCallback(result);
    });
  }
}

function flatten(rm: ResourceMetrics): AckedPoint[] {
  const out: AckedPoint[] = [];
  const resource = rm.resource.attributes;
  for (const sm of rm.scopeMetrics) {
    for (const m of sm.metrics) {
      const base = { metric: m.descriptor.name, unit: m.descriptor.unit, resource };
      for (const dp of m.dataPoints as { endTime: HrTime; attributes: Attributes; value: unknown }[]) {
        const timeMs = hrTimeToMs(dp.endTime);
        if (m.dataPointType === DataPointType.SUM) out.push({ ...base, kind: 'sum', attributes: dp.attributes, timeMs, value: dp.value as number });
        else if (m.dataPointType === DataPointType.GAUGE) out.push({ ...base, kind: 'gauge', attributes: dp.attributes, timeMs, value: dp.value as number });
        else if (m.dataPointType === DataPointType.HISTOGRAM) {
          const h = dp.value as { buckets: { boundaries: number[]; counts: number[] }; sum?: number; count: number };
          out.push({ ...base, kind: 'histogram', attributes: dp.attributes, timeMs, histogram: { boundaries: [...h.buckets.boundaries], counts: [...h.buckets.counts], sum: h.sum ?? NaN, count: h.count } });
        } else out.push({ ...base, kind: 'other', attributes: dp.attributes, timeMs });
      }
    }
  }
  return out;
}
