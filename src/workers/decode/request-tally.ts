/**
 * What one request's decode reports besides its points: rejections (with the first reasons
 * for the client's partial-success message), points refused per limit, and points per
 * processor rule. Shared by the protobuf and JSON decoders.
 */
export class RequestTally {
  rejected = 0;
  readonly #reasons: string[] = [];
  readonly #limits = new Map<string, number>();
  readonly ruleCounts: number[];

  constructor(rules: number) {
    this.ruleCounts = new Array<number>(rules).fill(0);
  }

  /** A rejected point; `limit` is the configuration key of the limit behind it ('' when none). */
  reject(reason: string, limit = ''): void {
    this.rejected++;
    if (limit !== '') this.#limits.set(limit, (this.#limits.get(limit) ?? 0) + 1);
    if (this.#reasons.length < 8 && !this.#reasons.includes(reason)) this.#reasons.push(reason);
  }

  /** The first rejection reason, with how many other reasons followed. */
  get errorMessage(): string {
    const more = this.#reasons.length - 1;
    return more > 0 ? `${this.#reasons[0]} (and ${more} other reasons)` : (this.#reasons[0] ?? '');
  }

  get limitRefusals(): [string, number][] {
    return [...this.#limits];
  }
}
