// Runs async critical sections one at a time, in call order. Both stores serialize their
// transactions through one so that a transaction never waits on a database lock while holding
// the only connection (SQLite) or a pooled client another local transaction needs (PostgreSQL).

export class AsyncMutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(section: () => Promise<T> | T): Promise<T> {
    const result = this.tail.then(section);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
