import type { Reloadable } from '../component/index.js';
import type { Config } from '../config/index.js';
import { AttributeProcessors, readHashKeys } from '../processors/index.js';
import type { DecodeWorkerData, WorkerPool } from '../workers/index.js';

/** What the decode workers decode under, from the configuration; reads the processors' HMAC keys (throws naming a bad file). */
export function decodeSettings(config: Config): DecodeWorkerData {
  const l = config.limits;
  const hashKeys = readHashKeys(config.processors);
  // Compiled here too, so a rule a worker could not compile fails the start or the reload, not a request.
  new AttributeProcessors(config.processors, hashKeys);
  return {
    limits: {
      maxAttributeBytes: l.max_attribute_bytes,
      maxAttributes: l.max_attributes,
      maxBucketsPerPoint: l.max_buckets_per_point,
      maxNewSeriesPerRequest: l.max_new_series_per_request,
      maxLabelsPerSeries: l.max_labels_per_series,
      maxLabelNameLength: l.max_label_name_length,
      maxLabelValueLength: l.max_label_value_length,
      labelValueOverflow: l.label_value_overflow,
    },
    processors: config.processors,
    hashKeys,
  };
}

/** Limits and processors reach the workers on reload (workers started later get them too). */
export function decodeSettingsReloadable(pool: WorkerPool): Reloadable {
  return {
    name: 'processors and limits',
    prepare(next) {
      const settings = decodeSettings(next);
      return () => pool.broadcast('config', settings);
    },
  };
}
