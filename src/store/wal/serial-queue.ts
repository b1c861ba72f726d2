/**
 * Runs async tasks one at a time in the order given. The WAL puts every write, fsync,
 * rollover, deletion and close through one queue, so none of them sees a descriptor another
 * is closing, and a batch of appends gathers while the previous write is in flight.
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
