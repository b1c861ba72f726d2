/**
 * A reusable Float64Array that grows on demand. Encoding is synchronous and each worker has
 * its own module instance, so one scratch per use site is never shared across calls in flight.
 */
export class Scratch {
  #array = new Float64Array(1024);

  /** An array of at least `length` elements; contents are left over from earlier calls. */
  get(length: number): Float64Array {
    if (this.#array.length < length) this.#array = new Float64Array(Math.max(length, this.#array.length * 2));
    return this.#array;
  }
}
