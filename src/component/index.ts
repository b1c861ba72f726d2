// Contracts every part of the agent shares: the component lifecycle and the outcome of an operation.
export type { Component } from './component.js';
export type { Failure, Ok, Outcome, Permanent, Refused, Retryable } from './outcome.js';
export { permanent, refused, retryable } from './outcome.js';
export type { Reloadable, ReloadCommit } from './reloadable.js';
