// Runs async tasks one at a time, in call order: the one serializer of the code base (store
// transactions, snapshot publishing, data plane applies, applies sent to a worker). A task that
// fails rejects its own promise only; the next one runs as usual.

export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T> | T): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves once every task queued so far has settled. */
  idle(): Promise<void> {
    return this.run(() => undefined);
  }
}
