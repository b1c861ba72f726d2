/**
 * How an operation ended, in protocol-neutral terms, shared by receivers, the pipeline, the
 * store and the exporters. Only the edges turn these into gRPC codes or HTTP statuses (and
 * exporters read upstream answers back into them).
 *
 * - `permanent`: retrying the same thing cannot help; the data is dropped and counted by `reason`.
 * - `retryable`: a transient failure (a worker died, a disk error, an upstream down); retry after the delay.
 * - `refused`: overload (a budget is full); retry after the delay, nothing is wrong with the data.
 */
export type Outcome<T extends object = object, R extends string = string> = Ok<T> | Permanent<R> | Retryable | Refused;

export type Ok<T extends object = object> = { readonly status: 'ok' } & T;

export interface Permanent<R extends string = string> {
  readonly status: 'permanent';
  readonly reason: R;
  readonly message: string;
}

export interface Retryable {
  readonly status: 'retryable';
  readonly message: string;
  readonly retryAfterMs: number;
}

export interface Refused {
  readonly status: 'refused';
  readonly message: string;
  readonly retryAfterMs: number;
}

export type Failure<R extends string = string> = Permanent<R> | Retryable | Refused;

export const permanent = <R extends string>(reason: R, message: string): Permanent<R> => ({ status: 'permanent', reason, message });
export const retryable = (message: string, retryAfterMs: number): Retryable => ({ status: 'retryable', message, retryAfterMs });
export const refused = (message: string, retryAfterMs: number): Refused => ({ status: 'refused', message, retryAfterMs });
