/**
 * Fans events out to listeners and async iterators. A listener that throws is reported to `onError`
 * and never reaches the code that emitted the event (a stream handler, a timer, a promise chain).
 */
export class EventHub<E> {
  readonly #listeners = new Set<(event: E) => void>();
  readonly #onError: (error: unknown) => void;
  readonly #ends = new Set<() => void>();
  #closed = false;

  constructor(onError: (error: unknown) => void) {
    this.#onError = onError;
  }

  /** Adds a listener; returns the function that removes it. */
  on(listener: (event: E) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: E): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.#onError(error);
      }
    }
  }

  /**
   * Every event from now on (that `accept` keeps), in order, until `close()` or the signal aborts.
   * Events are buffered while the consumer is busy, so none is lost.
   */
  stream(accept: (event: E) => boolean = () => true, signal?: AbortSignal): AsyncIterableIterator<E> {
    const buffer: E[] = [];
    let wake: (() => void) | undefined;
    let ended = this.#closed || signal?.aborted === true;
    const end = () => {
      ended = true;
      off();
      this.#ends.delete(end);
      signal?.removeEventListener("abort", end);
      wake?.();
    };
    const off = this.on((event) => {
      if (!accept(event)) return;
      buffer.push(event);
      wake?.();
    });
    this.#ends.add(end);
    signal?.addEventListener("abort", end, { once: true });
    if (ended) end();
    const iterator: AsyncIterableIterator<E> = {
      [Symbol.asyncIterator]: () => iterator,
      next: async (): Promise<IteratorResult<E>> => {
        while (buffer.length === 0 && !ended) await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        if (buffer.length > 0) return { value: buffer.shift()!, done: false };
        return { value: undefined, done: true };
      },
      return: async (): Promise<IteratorResult<E>> => {
        end();
        buffer.length = 0;
        return { value: undefined, done: true };
      },
    };
    return iterator;
  }

  /** Ends every stream (after the events already buffered). */
  close(): void {
    this.#closed = true;
    for (const end of [...this.#ends]) end();
  }
}
