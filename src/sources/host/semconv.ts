/**
 * Every host metric the scrapers report: names, kinds, attributes and descriptions as the
 * OpenTelemetry Collector's hostmetrics receiver emits them on Linux (its scrapers'
 * metadata.yaml), so dashboards built for the receiver work unchanged. Annotation units are
 * the receiver's plural ({operations}, {packets}) although the semantic conventions now spell
 * them in the singular: what is forwarded over OTLP matches what the receiver sends.
 * Prometheus-style names drop the braces either way.
 */
import type { MetricInfo } from './scraper.js';

const metric = (name: string, unit: string, description: string, int = false): MetricInfo =>
  int ? { name, unit, description, int } : { name, unit, description };

// cpu
export const CPU_TIME = metric('system.cpu.time', 's', 'Total seconds each logical CPU spent on each mode.');
export const CPU_UTILIZATION = metric(
  'system.cpu.utilization',
  '1',
  'Difference in system.cpu.time since the last measurement per logical CPU, divided by the elapsed time (value in interval [0,1]).',
);
export const CPU_LOGICAL_COUNT = metric('system.cpu.logical.count', '{cpu}', 'Number of available logical CPUs.', true);

// memory
export const MEMORY_USAGE = metric('system.memory.usage', 'By', 'Bytes of memory in use.', true);
export const MEMORY_UTILIZATION = metric('system.memory.utilization', '1', 'Percentage of memory bytes in use.');
export const MEMORY_LIMIT = metric('system.memory.limit', 'By', 'Total bytes of memory available.', true);

// load
export const LOAD_1M = metric('system.cpu.load_average.1m', '{thread}', 'Average CPU Load over 1 minute.');
export const LOAD_5M = metric('system.cpu.load_average.5m', '{thread}', 'Average CPU Load over 5 minutes.');
export const LOAD_15M = metric('system.cpu.load_average.15m', '{thread}', 'Average CPU Load over 15 minutes.');

// disk
export const DISK_IO = metric('system.disk.io', 'By', 'Disk bytes transferred.', true);
export const DISK_OPERATIONS = metric('system.disk.operations', '{operations}', 'Disk operations count.', true);
export const DISK_IO_TIME = metric(
  'system.disk.io_time',
  's',
  'Time disk spent activated. On Windows, this is calculated as the inverse of disk idle time.',
);
export const DISK_OPERATION_TIME = metric('system.disk.operation_time', 's', 'Time spent in disk operations.');
export const DISK_WEIGHTED_IO_TIME = metric(
  'system.disk.weighted_io_time',
  's',
  'Time disk spent activated multiplied by the queue length.',
);
export const DISK_PENDING_OPERATIONS = metric(
  'system.disk.pending_operations',
  '{operations}',
  'The queue size of pending I/O operations.',
  true,
);
export const DISK_MERGED = metric(
  'system.disk.merged',
  '{operations}',
  'The number of disk reads/writes merged into single physical disk access operations.',
  true,
);

// filesystem
export const FILESYSTEM_USAGE = metric('system.filesystem.usage', 'By', 'Filesystem bytes used.', true);
export const FILESYSTEM_INODES_USAGE = metric('system.filesystem.inodes.usage', '{inodes}', 'FileSystem inodes used.', true);
export const FILESYSTEM_UTILIZATION = metric('system.filesystem.utilization', '1', 'Fraction of filesystem bytes used.');

// network
export const NETWORK_IO = metric('system.network.io', 'By', 'The number of bytes transmitted and received.', true);
export const NETWORK_PACKETS = metric('system.network.packets', '{packets}', 'The number of packets transferred.', true);
export const NETWORK_ERRORS = metric('system.network.errors', '{errors}', 'The number of errors encountered.', true);
export const NETWORK_DROPPED = metric('system.network.dropped', '{packets}', 'The number of packets dropped.', true);

// paging
export const PAGING_USAGE = metric('system.paging.usage', 'By', 'Swap (unix) or pagefile (windows) usage.', true);
export const PAGING_UTILIZATION = metric('system.paging.utilization', '1', 'Swap (unix) or pagefile (windows) utilization.');
export const PAGING_OPERATIONS = metric('system.paging.operations', '{operations}', 'The number of paging operations.', true);
export const PAGING_FAULTS = metric('system.paging.faults', '{faults}', 'The number of page faults.', true);

// processes
export const PROCESSES_COUNT = metric('system.processes.count', '{processes}', 'Total number of processes in each state.', true);
export const PROCESSES_CREATED = metric('system.processes.created', '{processes}', 'Total number of created processes.', true);

// uptime
export const UPTIME = metric('system.uptime', 's', 'The time the system has been running');

// process (per-process resource)
export const PROCESS_CPU_TIME = metric('process.cpu.time', 's', 'Total CPU seconds broken down by different states.');
export const PROCESS_MEMORY_USAGE = metric('process.memory.usage', 'By', 'The amount of physical memory in use.', true);
export const PROCESS_MEMORY_VIRTUAL = metric('process.memory.virtual', 'By', 'Virtual memory size.', true);
