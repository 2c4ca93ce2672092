// A pooled client held for several statements (a transaction, a consistent read). If its
// connection dies between two statements, node-postgres emits 'error' on the client, which nothing
// listens to once the pool has handed it out: uncaught, it would end the process. While held, the
// client has a listener that marks it broken; release() then discards it instead of pooling it.
import type pg from 'pg';

export interface HeldClient {
  readonly client: pg.PoolClient;
  /** Returns the client to the pool, or discards it when its connection broke (or `broken` says so). */
  release(broken?: boolean): void;
}

export async function checkout(pool: pg.Pool): Promise<HeldClient> {
  const client = await pool.connect();
  let died = false;
  const onError = () => {
    died = true;
  };
  client.on('error', onError);
  return {
    client,
    release: (broken = false) => {
      client.off('error', onError);
      client.release(died || broken);
    },
  };
}
