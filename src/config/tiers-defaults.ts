/** The `rollups:` and `aggregation:` sections of the default configuration file (defaults.ts). */
export const ROLLUPS_DEFAULTS_YAML = `\
rollups:
  # Rollup tiers (docs/tiers.md): per series and bucket, count, sum, min, max,
  # first and last (with their times) and the counter increase, computed in
  # the workers as pages are written. Queries pick the coarsest tier that
  # answers them exactly, and older spans come from the tiers once raw data
  # has aged out. Buckets are (k·resolution, (k+1)·resolution], like
  # Prometheus' range windows. Each tier has its own share of
  # store.max_disk_bytes; raw data (and WAL, index, checkpoint) gets the rest.
  enabled: true
  # Also keep a t-digest of every gauge's values per bucket, so
  # quantile_over_time over a tier is answered (within the rank error in
  # docs/tiers.md). Sketches make tiers several times larger.
  gauge_sketches: false
  # t-digest compression (10-1000): higher is more accurate and larger.
  sketch_compression: 100
  tier1:
    resolution: 1m
    # Percent of store.max_disk_bytes (1-90; the tiers together at most 90).
    disk_share: 25
    # Rows older than this go; 0 keeps them until the share needs the room.
    max_age: 0
    # Rows per page; rows wait in memory (compressed) until a page is full.
    page_rows: 240
  tier2:
    # A multiple of tier1.resolution.
    resolution: 1h
    disk_share: 15
    max_age: 0
    page_rows: 48
`;

export const AGGREGATION_DEFAULTS_YAML = `\
# Streaming aggregation (docs/aggregation.md): rules that turn matching series
# into fewer output series before the store and the exporters, with state that
# survives restarts. None by default. An entry's keys (match, interval and
# outputs are required):
#
# aggregation:
#   - match: '{__name__=~"http_server_.*"}'   # a series selector
#     interval: 1m
#     without: [instance, pod]                # or by: [job, route]
#     outputs: [total, increase, count_samples, sum_samples, min, max, avg, last, quantiles(0.5, 0.9, 0.99)]
#     keep_input: false                       # true keeps the matched input series too
#     to: [store, exporters]                  # where outputs go
#     lag: 10s                                # samples up to this late still count
#     staleness_interval: 0                   # 0 = 2 × interval
aggregation: []
`;
