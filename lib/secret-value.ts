const REDACTED = '[redacted]';

/**
 * util.inspect's hook, by its registered name: the same symbol as `inspect.custom`, without
 * loading node:util (and the worker and parse-args modules it pulls in, about 3.5 ms of every cold
 * start in a function that needs nothing else from it; docs/performance.md).
 */
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * A value that must never reach a response, a log line, a workflow payload or a table item.
 * Serialising or printing it yields "[redacted]"; only `reveal()` hands out the real value,
 * so every place that needs the plaintext is greppable.
 */
export class SecretValue<T = string> {
  readonly #value: T;
  constructor(value: T) {
    this.#value = value;
  }
  reveal(): T {
    return this.#value;
  }
  toJSON(): string {
    return REDACTED;
  }
  toString(): string {
    return REDACTED;
  }
  [INSPECT](): string {
    return REDACTED;
  }
  static isSecret(v: unknown): v is SecretValue<unknown> {
    return v instanceof SecretValue;
  }
}

export const secret = <T>(value: T): SecretValue<T> => new SecretValue(value);

export { REDACTED };
