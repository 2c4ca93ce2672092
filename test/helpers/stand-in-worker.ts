// A tiny stand-in for the in-process data plane, so the supervisor and its IPC are tested on their
// own: TCP listeners that pipe to the first member, counted per worker; member health ONLINE from
// the probing worker; a metrics text with one counter; a listener named `hang-once:<file>` makes
// the one worker that creates <file> hang in apply. Forked by test/e2e/workers-supervisor.test.ts.
import { closeSync, openSync } from 'node:fs';
import net from 'node:net';
import { serveDataPlaneOverIpc } from '../../src/dataplane/cluster/worker-ipc.js';
import type { DataPlaneStats, ListenerStats, Snapshot } from '../../src/snapshot/snapshot.js';

await serveDataPlaneOverIpc((role, reportMemberHealth) => {
  const servers = new Map<string, net.Server>();
  const stats = new Map<string, ListenerStats>();
  let members: Record<string, string> = {};
  let revision = 0;
  let snapshot: Snapshot | undefined;

  const listen = (id: string, address: string, port: number): Promise<string | undefined> => {
    const server = net.createServer((client) => {
      const counters = stats.get(id);
      if (counters) counters.total_connections++;
      const pool = snapshot?.pools[snapshot.listeners.find((l) => l.id === id)?.defaultPoolId ?? ''];
      const member = pool?.members[0];
      if (!member) return client.destroy();
      const upstream = net.connect(member.port, member.address);
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    return new Promise((resolve) => {
      server.once('error', (error) => resolve(error.message));
      server.listen({ host: address, port }, () => {
        servers.set(id, server);
        resolve(undefined);
      });
    });
  };

  return {
    async apply(next: Snapshot) {
      const hang = next.listeners.find((l) => l.name.startsWith('hang-once:'))?.name.slice('hang-once:'.length);
      if (hang !== undefined && claim(hang)) await new Promise(() => undefined);
      snapshot = next;
      revision = next.revision;
      const listenerErrors: Record<string, string> = {};
      for (const listener of next.listeners) {
        if (servers.has(listener.id)) continue;
        stats.set(listener.id, { bytes_in: 0, bytes_out: 0, active_connections: 0, total_connections: 0, request_errors: 0 });
        const error = await listen(listener.id, listener.address, listener.port);
        if (error) listenerErrors[listener.id] = error;
      }
      if (role.probes) {
        const states = Object.fromEntries(Object.values(next.pools).flatMap((pool) => pool.members.map((m) => [m.id, 'ONLINE'])));
        members = states;
        reportMemberHealth(states);
      }
      return { revision, listenerErrors };
    },
    async stats(): Promise<DataPlaneStats> {
      return { revision, listeners: Object.fromEntries(stats) };
    },
    memberStatuses() {
      return members;
    },
    async metrics() {
      const total = [...stats.values()].reduce((sum, s) => sum + s.total_connections, 0);
      return `# HELP standin_connections_total Connections.\n# TYPE standin_connections_total counter\nstandin_connections_total ${total}\n`;
    },
    setMemberHealth(states) {
      members = { ...members, ...states };
    },
    async close() {
      await Promise.all([...servers.values()].map((server) => new Promise((resolve) => server.close(resolve))));
    },
  };
});

/** True for the one process that creates the file. */
function claim(path: string): boolean {
  try {
    closeSync(openSync(path, 'wx'));
    return true;
  } catch {
    return false;
  }
}
