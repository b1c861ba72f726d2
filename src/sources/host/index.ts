// Host metrics: scrapers of /proc and /sys (systeminformation off Linux) and the collector that ticks them.
export { createScrapers, hostPaths } from './create-scrapers.js';
export { HostCollector } from './collector.js';
export { readBootTimeMs } from './linux/boot-time.js';
export { readHostId } from './linux/host-id.js';
export { hostResource } from './resource.js';
