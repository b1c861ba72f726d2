/** Prometheus' warnings and infos, de-duplicated, in the order they were first raised. */
export class Annotations {
  readonly warnings = new Set<string>();
  readonly infos = new Set<string>();

  warn(message: string): void {
    this.warnings.add(`PromQL warning: ${message}`);
  }

  info(message: string): void {
    this.infos.add(`PromQL info: ${message}`);
  }
}
