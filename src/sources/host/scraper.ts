/**
 * The contract between the host collector and its scrapers. A scraper reads one part of the
 * host (CPU, memory, ...) and reports what it read through a MetricSink; the collector turns
 * the reports into a batch for the store, times each scrape and counts failures.
 */

/** Scraper names as they appear in `host.scrapers` (and `process` for host.process). */
export const SCRAPER_NAMES = ['cpu', 'memory', 'load', 'disk', 'filesystem', 'network', 'paging', 'processes', 'uptime'] as const;
export type ScraperName = (typeof SCRAPER_NAMES)[number] | 'process';

/** A metric as the OpenTelemetry system semantic conventions describe it. */
export interface MetricInfo {
  readonly name: string;
  /** UCUM unit as the conventions give it: s, By, 1, {operation}, ... */
  readonly unit: string;
  readonly description: string;
  /** Values are integers (sent back as OTLP as_int). */
  readonly int?: boolean;
}

/** Attribute pairs of one point; order does not matter. */
export type Attributes = readonly (readonly [string, string])[];

export interface MetricSink {
  /** A cumulative monotonic sum (counter). `startMs` defaults to the host's boot time. */
  counter(metric: MetricInfo, attributes: Attributes, value: number, startMs?: number): void;
  /** A cumulative non-monotonic sum (up-down counter), e.g. bytes in use. */
  upDown(metric: MetricInfo, attributes: Attributes, value: number): void;
  gauge(metric: MetricInfo, attributes: Attributes, value: number): void;
  /** A sink whose points carry these resource attributes besides the host's (per-process metrics). */
  withResource(attributes: Attributes): MetricSink;
}

export interface Scraper {
  readonly name: ScraperName;
  /**
   * Reads once and reports. May throw or reject: the collector logs the failure once per
   * distinct message and counts it; points reported before the failure are kept.
   */
  scrape(sink: MetricSink): Promise<void>;
}

/** Where the host's pseudo file systems are; `/` outside containers (host.root_path). */
export interface HostPaths {
  /** Prefix for /proc, /sys, /etc and mount points, without a trailing slash ('' for /). */
  readonly root: string;
}
