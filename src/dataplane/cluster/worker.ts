// Entry of a data plane worker process (forked by clustered-dataplane.ts): the in-process data
// plane, probing health only in the worker chosen to, served over IPC to the primary.
import { createJsonLogger, isLogLevel } from '../../logging/json-logger.js';
import { createDataPlane } from '../dataplane.js';
import { adoptTicketKeys } from '../tls/ticket-keys.js';
import { getHeapStatistics } from 'node:v8';
import { startHeapCeiling } from './heap-ceiling.js';
import { startIdleCollector } from './idle-collector.js';
import { WORKER_ENV } from './messages.js';
import { serveDataPlaneOverIpc } from './worker-ipc.js';

// Every worker encrypts TLS session tickets with the primary's keys, so a session resumes on any
// worker. The secret leaves the environment at once (nothing this process starts inherits it).
const ticketKeys = process.env[WORKER_ENV.ticketKeys];
delete process.env[WORKER_ENV.ticketKeys];
if (ticketKeys === undefined || !adoptTicketKeys(ticketKeys)) process.emitWarning('no TLS ticket keys from the primary: sessions resume only on the worker that issued them');

// --expose-gc (worker-supervisor.ts WORKER_V8_FLAGS): the heap stays near its live size under
// load, and memory goes back once the load stops.
const gc = (globalThis as { gc?: () => void }).gc;
if (gc !== undefined) {
  startHeapCeiling({ gc, usedHeap: () => getHeapStatistics().used_heap_size });
  startIdleCollector({ gc });
}

await serveDataPlaneOverIpc(({ slot, probes, settings }, reportMemberHealth) =>
  createDataPlane({
    drainMs: settings.drainMs,
    accessLogDir: settings.accessLogDir,
    logger: createJsonLogger(isLogLevel(settings.logLevel) ? settings.logLevel : 'info').child({ worker: slot, pid: process.pid }),
    healthChecks: probes,
    onMemberHealth: reportMemberHealth,
    workerIndex: slot,
  }),
);
