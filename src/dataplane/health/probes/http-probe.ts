// HTTP and HTTPS: send `<http_method> <url_path> HTTP/<http_version>` and compare the status code
// with expected_codes. The request is written by hand so that HTTP/1.0 (Octavia's default) is
// really 1.0; Host is domain_name, else (HTTP/1.1 needs one) the member address. HTTPS accepts
// any certificate, as Octavia's HAProxy checks do.

import { isIP } from 'node:net';
import { connect as connectTcp } from 'node:net';
import type { Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import type { SnapshotHealthMonitor } from '../../../snapshot/snapshot.js';
import type { Probe, ProbeTarget } from './probe.js';
import { runProbe } from './probe.js';

/** A status line longer than this is not HTTP. */
const MAX_STATUS_LINE = 8192;

function hostHeader(target: ProbeTarget, monitor: SnapshotHealthMonitor): string | null {
  if (monitor.domainName) return monitor.domainName;
  if (monitor.httpVersion < 1.1) return null;
  return isIP(target.address) === 6 ? `[${target.address}]:${target.port}` : `${target.address}:${target.port}`;
}

export function requestText(target: ProbeTarget, monitor: SnapshotHealthMonitor): string {
  const version = monitor.httpVersion >= 1.1 ? '1.1' : '1.0';
  const host = hostHeader(target, monitor);
  return `${monitor.httpMethod} ${monitor.urlPath} HTTP/${version}\r\n${host === null ? '' : `Host: ${host}\r\n`}Connection: close\r\nUser-Agent: elbow-health-check\r\n\r\n`;
}

export function statusExpected(code: number, expected: SnapshotHealthMonitor['expectedCodes']): boolean {
  return expected.some(([low, high]) => code >= low && code <= high);
}

function httpProbe(tls: boolean): Probe {
  return (target, monitor, signal) =>
    runProbe(signal, (finish) => {
      const servername = monitor.domainName && isIP(monitor.domainName) === 0 ? monitor.domainName : undefined;
      const socket: Socket = tls
        ? connectTls({ host: target.address, port: target.port, rejectUnauthorized: false, servername })
        : connectTcp({ host: target.address, port: target.port });
      let head = '';
      socket.once(tls ? 'secureConnect' : 'connect', () => socket.write(requestText(target, monitor)));
      socket.setEncoding('latin1');
      socket.on('data', (chunk: string) => {
        head += chunk;
        const end = head.indexOf('\r\n');
        if (end === -1) {
          if (head.length > MAX_STATUS_LINE) finish(false);
          return;
        }
        const match = /^HTTP\/\d(?:\.\d)? (\d{3})/.exec(head.slice(0, end));
        finish(match !== null && statusExpected(Number(match[1]), monitor.expectedCodes));
      });
      socket.once('error', () => finish(false));
      socket.once('end', () => finish(false));
      return () => socket.destroy();
    });
}

export const httpHealthProbe = httpProbe(false);
export const httpsHealthProbe = httpProbe(true);
