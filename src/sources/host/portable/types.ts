/** The systeminformation module, as a type only: importing it costs ~10 MiB, so Linux never does. */
export type SystemInformation = typeof import('systeminformation');
