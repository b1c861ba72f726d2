import { diag, DiagLogLevel } from '@opentelemetry/api';
import { OTLPMetricExporter as GrpcExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPMetricExporter as JsonExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { AggregationOption, AggregationTemporality, InstrumentType, PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';

/** ExportResult as the SDK reports it (code 0 = SUCCESS, 1 = FAILED). */
export interface RecordedResult {
  readonly code: number;
  readonly error?: Error;
}

/** Wraps a real exporter and records every ExportResult it reports. */
export class RecordingExporter implements PushMetricExporter {
  readonly results: RecordedResult[] = [];
  readonly #inner: PushMetricExporter;

  constructor(inner: PushMetricExporter) {
    this.#inner = inner;
  }

  export(metrics: ResourceMetrics, resultCallback: (result: RecordedResult) => void): void {
    this.#inner.export(metrics, (result) => {
      this.results.push(result);
      resultCallback(result);
    });
  }

  forceFlush(): Promise<void> {
    return this.#inner.forceFlush();
  }

  selectAggregationTemporality(t: InstrumentType): AggregationTemporality {
    return this.#inner.selectAggregationTemporality!(t);
  }

  selectAggregation(t: InstrumentType): AggregationOption {
    return this.#inner.selectAggregation!(t);
  }

  shutdown(): Promise<void> {
    return this.#inner.shutdown();
  }
}

export type ExporterKind = 'grpc' | 'http-proto' | 'http-json';

/** A real OTLP exporter pointed at the agent. */
export function makeExporter(kind: ExporterKind, grpcAddress: string, httpUrl: string): PushMetricExporter {
  switch (kind) {
    case 'grpc':
      return new GrpcExporter({ url: `http://${grpcAddress}`, timeoutMillis: 10_000 });
    case 'http-proto':
      return new ProtoExporter({ url: httpUrl, timeoutMillis: 10_000 });
    case 'http-json':
      return new JsonExporter({ url: httpUrl, timeoutMillis: 10_000 });
  }
}

/** Warnings and errors the OTel SDK logs through its diag channel (partial success lands here). */
export function captureDiag(): { messages: string[]; stop(): void } {
  const messages: string[] = [];
  const push = (level: string) => (msg: string, ...args: unknown[]) => messages.push(`${level}: ${msg} ${args.map((a) => (a instanceof Error ? a.message : JSON.stringify(a))).join(' ')}`);
  diag.setLogger(
    { error: push('error'), warn: push('warn'), info: () => {}, debug: () => {}, verbose: () => {} },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
  return { messages, stop: () => diag.disable() };
}

export interface SdkRun {
  readonly exporter: RecordingExporter;
}

/** The known values the SDK workload records; tests assert the agent stored exactly these. */
export const WORKLOAD = {
  meter: { name: 'cairn-e2e-meter', version: '2.3.4' },
  counter: 'e2e.requests',
  counterAdds: [
    { value: 3, attrs: { route: '/a', method: 'GET' } },
    { value: 4, attrs: { route: '/a', method: 'GET' } },
    { value: 10, attrs: { route: '/b', method: 'POST' } },
  ],
  counterTotals: { '/a': 7, '/b': 10 } as Record<string, number>,
  gauge: 'e2e.temperature',
  gaugeValue: 21.5,
  gaugeAttrs: { sensor: 'inlet' },
  histogram: 'e2e.latency',
  histogramBounds: [5, 10, 100],
  histogramValues: [1, 7, 15, 150, 3],
  histogramAttrs: { op: 'read' },
};

/** Runs the workload through a MeterProvider with the given exporter and flushes once. */
export async function runWorkload(exporter: PushMetricExporter, resource: Record<string, string>): Promise<SdkRun> {
  const recording = new RecordingExporter(exporter);
  const provider = new MeterProvider({
    resource: resourceFromAttributes(resource),
    readers: [new PeriodicExportingMetricReader({ exporter: recording, exportIntervalMillis: 600_000, exportTimeoutMillis: 20_000 })],
  });
  const w = WORKLOAD;
  const meter = provider.getMeter(w.meter.name, w.meter.version);
  const counter = meter.createCounter(w.counter, { description: 'requests served', unit: '{request}' });
  for (const a of w.counterAdds) counter.add(a.value, a.attrs);
  const gauge = meter.createObservableGauge(w.gauge, { unit: 'Cel' });
  gauge.addCallback((r) => r.observe(w.gaugeValue, w.gaugeAttrs));
  const hist = meter.createHistogram(w.histogram, { unit: 'ms', advice: { explicitBucketBoundaries: w.histogramBounds } });
  for (const v of w.histogramValues) hist.record(v, w.histogramAttrs);
  await provider.forceFlush();
  await provider.shutdown();
  return { exporter: recording };
}
