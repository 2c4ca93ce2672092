// Entry of a data plane worker process (forked by clustered-dataplane.ts): the in-process data
// plane, probing health only in the worker chosen to, served over IPC to the primary.
import { createJsonLogger, isLogLevel } from '../../logging/json-logger.js';
import { createDataPlane } from '../dataplane.js';
import { serveDataPlaneOverIpc } from './worker-ipc.js';

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
