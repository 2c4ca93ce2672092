// Entry of a data plane worker process (forked by clustered-dataplane.ts).
import { serveDataPlaneOverIpc } from './worker-ipc.js';

await serveDataPlaneOverIpc(() => {
  throw new Error('the in-process data plane is not wired yet');
});
