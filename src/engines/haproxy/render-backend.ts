// One backend per (listener, pool): the listener's member-side timeouts are backend settings, and
// a pool serves listeners of one mode. Members are `server` lines named by member id; every
// setting that the runtime API can change (weight, admin state, address) is on the server line
// only, so that a change to it is a runtime command and the rest of the backend stays the same.

import { parseNetmask } from '../../model/cidr.js';
import { MEMBER_CONNECTION_LIMIT } from '../../model/data-plane-limits.js';
import type { SnapshotHealthMonitor, SnapshotListener, SnapshotMember, SnapshotPool } from '../../snapshot/snapshot.js';
import { bareAddress, hostPort, logFormatLiteral, ms, quoted, safeName } from './config-syntax.js';
import { crlFile, type FileKind } from './render-files.js';
import { fetchArgument, isFetchArgument } from './render-rules.js';
import { tlsProtocolOptions } from './render-tls.js';

export type BackendMode = 'http' | 'tcp';

export interface RenderedServer {
  readonly name: string;
  readonly memberId: string;
  readonly address: string;
  readonly port: number;
  readonly weight: number;
  readonly enabled: boolean;
  /** Everything on the server line but address, weight and admin state (changing it needs a new server). */
  readonly options: string;
  readonly line: string;
}

export interface RenderedBackend {
  readonly name: string;
  readonly poolId: string;
  readonly listenerId: string;
  /** Every line of the section but the servers. */
  readonly header: string;
  readonly servers: readonly RenderedServer[];
  /** Servers can be added with `add server` (a dynamic algorithm, no cookie). */
  readonly dynamic: boolean;
  readonly monitored: boolean;
}

export interface BackendFiles {
  add(name: string, content: string, kind: FileKind): string;
}

/** elbow's 503 when a pool has nobody to send to (Node engine: forward-request.ts). */
function noMemberBody(pool: SnapshotPool): string {
  return `503 Service Unavailable: no member of pool ${pool.name || pool.id} is available\n`;
}

export function backendName(poolId: string, listenerId: string): string {
  return `${safeName(poolId)}:${safeName(listenerId)}`;
}

/** An error answer in elbow's words; `body` is a log-format string (%si:%sp: the member). */
function httpError(status: number, body: string): string {
  return `    http-error status ${status} content-type "text/plain; charset=utf-8" lf-string ${quoted(body)} hdr cache-control no-store`;
}

/** `http-check expect` for expected_codes: one status, else a regex over the listed codes. */
function expectedStatus(monitor: SnapshotHealthMonitor): string {
  const codes: number[] = [];
  for (const [low, high] of monitor.expectedCodes) for (let code = low; code <= high && codes.length < 1000; code++) codes.push(code);
  if (codes.length === 1) return `status ${codes[0]}`;
  return `rstatus ^(${codes.join('|')})$`;
}

function monitorLines(monitor: SnapshotHealthMonitor | null): string[] {
  if (monitor === null) return [];
  const lines = [`    timeout check ${ms(monitor.timeoutMs)}`];
  if (monitor.type === 'HTTP' || monitor.type === 'HTTPS') {
    const version = monitor.httpVersion >= 1.1 ? 'HTTP/1.1' : 'HTTP/1.0';
    const host = monitor.domainName ? ` hdr Host ${quoted(monitor.domainName)}` : '';
    lines.push('    option httpchk');
    lines.push(`    http-check send meth ${quoted(monitor.httpMethod)} uri ${quoted(monitor.urlPath)} ver ${version}${host} hdr User-Agent elbow-health-check`);
    lines.push(`    http-check expect ${expectedStatus(monitor)}`);
  }
  return lines;
}

/**
 * The client address SOURCE_IP remembers: with persistence_granularity, its network (Node:
 * sessions/source-ip-persistence.ts); an address of the mask's other family is kept whole.
 */
function sourceKey(granularity: string | null): string {
  const mask = granularity === null ? null : parseNetmask(granularity);
  if (mask === null) return 'src';
  return mask.family === 4 ? `src,ipmask(${mask.prefix},128)` : `src,ipmask(32,${mask.prefix})`;
}

function persistenceLines(pool: SnapshotPool, mode: BackendMode): string[] {
  const persistence = pool.sessionPersistence;
  if (persistence === null) return [];
  switch (persistence.type) {
    case 'SOURCE_IP':
      return [`    stick-table type ipv6 size 10k expire ${Math.max(1, persistence.timeoutSeconds)}s srvkey name`, `    stick on ${sourceKey(persistence.granularity)}`];
    case 'HTTP_COOKIE':
      // The Node engine's cookie (http/session-cookies.ts): SRV=<member id>, not passed on.
      return mode === 'http' ? ['    cookie SRV insert indirect nocache'] : [];
    case 'APP_COOKIE': {
      // Octavia's rendering: the value of the application's cookie, learned from responses.
      if (mode !== 'http' || persistence.cookieName === null || !isFetchArgument(persistence.cookieName)) return [];
      const cookie = fetchArgument(persistence.cookieName);
      return ['    stick-table type string len 64 size 10k srvkey name', `    stick store-response res.cook(${cookie})`, `    stick match req.cook(${cookie})`];
    }
  }
}

function balanceLines(pool: SnapshotPool, mode: BackendMode): string[] {
  switch (pool.algorithm) {
    case 'ROUND_ROBIN':
      return ['    balance roundrobin'];
    case 'LEAST_CONNECTIONS':
      return ['    balance leastconn'];
    case 'SOURCE_IP':
      // Consistent: the map-based `source` refuses `add server`.
      return ['    balance source', '    hash-type consistent'];
    case 'SOURCE_IP_PORT': {
      const rule = mode === 'http' ? 'http-request' : 'tcp-request content';
      const scope = mode === 'http' ? 'txn' : 'sess';
      return [
        `    ${rule} set-var(${scope}.elbow_sport) src_port`,
        `    ${rule} set-var(${scope}.elbow_lbkey) src,concat(:,${scope}.elbow_sport)`,
        `    balance hash var(${scope}.elbow_lbkey)`,
        '    hash-type consistent',
      ];
    }
  }
}

function checkOptions(pool: SnapshotPool, member: SnapshotMember): string {
  const monitor = pool.healthMonitor;
  if (monitor === null) return '';
  // addr/port always: also keeps PROXY headers off the probes, as the Node engine's probes send none.
  const parts = [`check inter ${ms(monitor.intervalMs)} fall ${monitor.fallCount} rise ${monitor.riseCount} addr ${bareAddress(member.monitorAddress)} port ${member.monitorPort}`];
  const tlsCheck = monitor.type === 'HTTPS' || monitor.type === 'TLS-HELLO';
  if (tlsCheck) {
    parts.push('check-ssl verify none');
    if (monitor.domainName && !/^[0-9.:]+$/.test(monitor.domainName)) parts.push(`check-sni ${quoted(monitor.domainName)}`);
  } else if (pool.tls !== null) {
    parts.push('no-check-ssl');
  }
  return parts.join(' ');
}

function tlsOptions(pool: SnapshotPool, files: BackendFiles): string {
  if (pool.tls === null) return '';
  const parts = ['ssl'];
  if (pool.tls.caPem !== null) {
    parts.push(`verify required ca-file ${quoted(files.add(`pools/${safeName(pool.id)}.ca.pem`, pool.tls.caPem, 'static'))}`);
    if (pool.tls.crls.length > 0) parts.push(`crl-file ${quoted(files.add(`pools/${safeName(pool.id)}.crl.pem`, crlFile(pool.tls.crls), 'static'))}`);
  } else parts.push('verify none');
  const client = pool.tls.clientCertificate;
  if (client !== null) parts.push(`crt ${quoted(files.add(`pools/${safeName(pool.id)}.client.pem`, `${client.certificatePem.trim()}\n${client.privateKeyPem.trim()}\n`, 'static'))}`);
  // SNI = the request's Host without its port (HTTP backends only; upstream-tls.ts).
  if (pool.tls.sni && pool.protocol === 'HTTPS') parts.push('sni req.hdr(host),regsub(:[0-9]+$,)');
  parts.push(...tlsProtocolOptions(pool.tls));
  return parts.join(' ');
}

function serverOptions(pool: SnapshotPool, member: SnapshotMember, mode: BackendMode, files: BackendFiles): string {
  const parts: string[] = [];
  if (member.backup) parts.push('backup');
  // As the Node engine's member connection limit; the line's bound is `timeout queue`.
  if (mode === 'http') parts.push(`maxconn ${MEMBER_CONNECTION_LIMIT}`);
  if (pool.protocol === 'PROXY') parts.push('send-proxy');
  if (pool.protocol === 'PROXYV2') parts.push('send-proxy-v2');
  const tls = tlsOptions(pool, files);
  if (tls) parts.push(tls);
  const check = checkOptions(pool, member);
  if (check) parts.push(check);
  if (pool.sessionPersistence?.type === 'HTTP_COOKIE' && mode === 'http') parts.push(`cookie ${safeName(member.id)}`);
  return parts.join(' ');
}

function renderServer(pool: SnapshotPool, member: SnapshotMember, mode: BackendMode, files: BackendFiles): RenderedServer {
  const name = safeName(member.id);
  const options = serverOptions(pool, member, mode, files);
  const weight = Math.max(0, Math.min(256, member.weight));
  const line = `    server ${name} ${hostPort(member.address, member.port)} weight ${weight}${member.enabled ? '' : ' disabled'}${options ? ` ${options}` : ''}`;
  return { name, memberId: member.id, address: member.address, port: member.port, weight, enabled: member.enabled, options, line };
}

export function renderBackend(listener: SnapshotListener, pool: SnapshotPool, mode: BackendMode, files: BackendFiles): RenderedBackend {
  const name = backendName(pool.id, listener.id);
  const lines = [`backend ${name}`, `    mode ${mode}`];
  if (!pool.enabled) {
    // A pool that is admin down serves nothing: 503 (HTTP) or a closed connection (TCP).
    if (mode === 'http') lines.push(`    http-request return status 503 content-type "text/plain; charset=utf-8" string ${quoted(`503 Service Unavailable: pool ${pool.id} is not serving\n`)} hdr cache-control no-store`);
    else lines.push('    tcp-request content reject');
    return { name, poolId: pool.id, listenerId: listener.id, header: lines.join('\n'), servers: [], dynamic: false, monitored: false };
  }
  lines.push(...balanceLines(pool, mode));
  lines.push(`    timeout connect ${ms(listener.timeouts.memberConnect)}`);
  lines.push(`    timeout server ${ms(listener.timeouts.memberData)}`);
  lines.push(...persistenceLines(pool, mode));
  lines.push(...monitorLines(pool.healthMonitor));
  // Backup members serve only while no primary can, all of them together (pool-runtime.ts).
  lines.push('    option allbackups');
  if (mode === 'http') {
    // A client that goes away stops its request at the member too, as the Node engine does
    // (forward-request.ts): HAProxy would otherwise wait for the answer nobody will read.
    lines.push('    option abortonclose');
    lines.push(`    timeout queue ${ms(listener.timeouts.memberConnect)}`);
    lines.push(httpError(503, logFormatLiteral(noMemberBody(pool))));
    lines.push(httpError(502, '502 Bad Gateway: member %si:%sp failed (could not connect, or answered badly)\n'));
    lines.push(httpError(504, `504 Gateway Timeout: member %si:%sp sent no answer within timeout_member_data (${listener.timeouts.memberData} ms)\n`));
  }
  const servers = pool.members.map((member) => renderServer(pool, member, mode, files));
  const dynamic = !(pool.sessionPersistence?.type === 'HTTP_COOKIE' && mode === 'http');
  return { name, poolId: pool.id, listenerId: listener.id, header: lines.join('\n'), servers, dynamic, monitored: pool.healthMonitor !== null };
}
