// One frontend per listener, named by its id. What the runtime API can change is kept out of the
// section's text: certificates (crt-list entries and PEM files named by listener), the client CA
// and the address lists of access control (`src -f` files, always present: an empty allowed list
// is rendered as "everyone"). A change to any of those changes files only.

import { parseCidr } from '../../model/cidr.js';
import { HTTP_LISTENER_PROTOCOLS } from '../../model/protocols.js';
import type { DesyncMitigationMode } from '../../model/types.js';
import type { SnapshotListener, SnapshotPolicy, SnapshotTlsCertificate } from '../../snapshot/snapshot.js';
import { hostPort, logFormatLiteral, ms, quoted, safeName, urlHost } from './config-syntax.js';
import type { BackendMode } from './render-backend.js';
import { crlFile, type FileSet } from './render-files.js';
import { renderRule } from './render-rules.js';
import { tlsProtocolOptions } from './render-tls.js';

export interface RenderedFrontend {
  readonly listenerId: string;
  readonly mode: BackendMode;
  readonly text: string;
  /** For TLS listeners: the crt-list file and the certificate files it lists, default first. */
  readonly crtList: { readonly path: string; readonly entries: readonly { readonly path: string; readonly certificateId: string }[] } | null;
  /** Pools this listener sends to (default first, then policy targets). */
  readonly poolIds: readonly string[];
}

export interface FrontendContext {
  readonly files: FileSet;
  /** `log` target of elbow's access-log receiver, when it runs. */
  readonly accessLogTarget: string | null;
  /** The backend name a pool of this listener renders to, or null when the pool is not in the snapshot. */
  backendOf(poolId: string | null): string | null;
  /** The shared backend answering "no default pool". */
  noPoolBackend(mode: BackendMode): string;
}

/** Node's answers (http/error-responses.ts), the same bytes. */
const TEXT = 'content-type "text/plain; charset=utf-8"';
const REJECTED = `deny deny_status 403 ${TEXT} string ${quoted('403 Forbidden: request rejected by a forwarding policy\n')} hdr cache-control no-store`;
const refused = (detail: string): string => `deny deny_status 400 ${TEXT} string ${quoted(`400 Bad Request: request refused: ${detail}\n`)} hdr cache-control no-store hdr connection close`;

/** ACL list file content: one block per line (entries that do not parse are left out, as in Node). */
function cidrList(cidrs: readonly string[]): string {
  return cidrs.filter((cidr) => parseCidr(cidr) !== null).map((cidr) => `${cidr}\n`).join('');
}

function certificatePem(certificate: SnapshotTlsCertificate): string {
  return `${certificate.certificatePem.trim()}\n${certificate.privateKeyPem.trim()}\n`;
}

function bindLine(listener: SnapshotListener, files: FileSet): { line: string; crtList: RenderedFrontend['crtList'] } {
  const address = hostPort(listener.address, listener.port);
  const tls = listener.tls;
  if (tls === null) return { line: `    bind ${address}`, crtList: null };
  const id = safeName(listener.id);
  // The default certificate answers only when no SNI certificate matches (Node: listener-tls.ts):
  // its line carries a filter no client sends, so its own names never win over an SNI one.
  const entries = [
    { path: files.add(`certs/${id}.default.pem`, certificatePem(tls.defaultCertificate), 'cert'), certificateId: tls.defaultCertificate.id, filter: ' elbow-default.invalid' },
    ...tls.sniCertificates.map((certificate) => ({ path: files.add(`certs/${id}.sni.${safeName(certificate.id)}.pem`, certificatePem(certificate), 'cert'), certificateId: certificate.id, filter: '' })),
  ];
  const listPath = files.add(`certs/${id}.crt-list`, entries.map((entry) => `${entry.path}${entry.filter}\n`).join(''), 'static');
  const parts = [`    bind ${address} ssl crt-list ${quoted(listPath)}`];
  if (tls.clientCaPem !== null && tls.clientAuthentication !== 'NONE') {
    parts.push(`ca-file ${quoted(files.add(`certs/${id}.client-ca.pem`, tls.clientCaPem, 'ca'))}`);
    parts.push(`verify ${tls.clientAuthentication === 'MANDATORY' ? 'required' : 'optional'}`);
    // As Node (listener-tls.ts), every certificate of a client's chain is checked against the CRLs.
    if (tls.clientCrls.length > 0) parts.push(`crl-file ${quoted(files.add(`certs/${id}.client-crl.pem`, crlFile(tls.clientCrls), 'static'))}`);
  }
  parts.push(...tlsProtocolOptions(tls));
  return { line: parts.join(' '), crtList: { path: listPath, entries: entries.map(({ path, certificateId }) => ({ path, certificateId })) } };
}

function hstsValue(hsts: NonNullable<SnapshotListener['hsts']>): string {
  return `max-age=${hsts.maxAge}${hsts.includeSubdomains ? '; includeSubDomains' : ''}${hsts.preload ? '; preload' : ''}`;
}

/**
 * connection_limit, allowed_cidrs and the ip group: refused before anything is read (Node:
 * tcp-server.ts admit). A list is rendered only where it restricts: HAProxy 2.6 loads `-f` list
 * files in time quadratic in their number (three per listener made `haproxy -c` and every reload
 * take 0.9-1.5 s at 2,000 listeners, 0.2 s without), and each costs a lookup per connection. A
 * rendered list's entries then change at runtime (plan.ts); a listener's first restriction, or
 * lifting its last, changes the frontend and is a reload.
 */
function admissionLines(listener: SnapshotListener, files: FileSet): string[] {
  const id = safeName(listener.id);
  const control = listener.accessControl;
  const lines: string[] = [];
  if (listener.connectionLimit >= 0) lines.push(`    tcp-request connection reject if { fe_conn gt ${listener.connectionLimit} }`);
  if (control.allowedCidrs.length > 0) {
    const allowed = files.add(`lists/${id}.allowed.lst`, cidrList(control.allowedCidrs), 'acl');
    lines.push(`    tcp-request connection reject unless { src -f ${quoted(allowed)} }`);
  }
  if (control.ipGroup?.type === 'white') {
    const white = files.add(`lists/${id}.white.lst`, cidrList(control.ipGroup.cidrs), 'acl');
    lines.push(`    tcp-request connection reject unless { src -f ${quoted(white)} }`);
  }
  if (control.ipGroup?.type === 'black' && control.ipGroup.cidrs.length > 0) {
    const black = files.add(`lists/${id}.black.lst`, cidrList(control.ipGroup.cidrs), 'acl');
    lines.push(`    tcp-request connection reject if { src -f ${quoted(black)} }`);
  }
  return lines;
}

/** The Node engine's request screening (http/request-screening.ts) where HAProxy's parser lets a request through: severe findings. */
const SCREENING = [
  `    http-request ${refused('more than one Host header')} if { req.hdr_cnt(host) gt 1 }`,
  `    http-request ${refused('Transfer-Encoding in an HTTP/1.0 request')} if { req.ver 1.0 } { req.hdr(transfer-encoding) -m found }`,
  // What HAProxy 2.6's parser passes on and Node's refuses (test/behaviour/DIFFERENCES.md): a member
  // with a laxer parser than Node's must not see them. Single quotes: PCRE reads the \xHH escapes
  // and the $, not HAProxy's parser.
  // The Host count first: with it, a request that has a Host (nearly all) costs no req.ver fetch.
  `    http-request ${refused('an HTTP/1.1 request without Host')} if { req.hdr_cnt(host) eq 0 } { req.ver 1.1 }`,
  `    http-request ${refused('a control character in a header')} if { req.hdrs -m reg '[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]' }`,
  `    http-request ${refused('a Content-Length of 20 digits or more')} if { req.hdr(content-length) -m reg '^0*[1-9][0-9]{19,}$' }`,
];

/**
 * A GET or HEAD with a body: ambiguous (AWS's desync classes), handled per desync_mitigation_mode.
 * The framing header first: most requests have none, and then the method is never fetched.
 */
const BODYLESS_WITH_BODY = [
  '{ req.hdr(transfer-encoding) -m found } { method GET HEAD }',
  '{ req.hdr(content-length) -m found } !{ req.hdr(content-length) -m str 0 } { method GET HEAD }',
];

/**
 * desync_mitigation_mode for what HAProxy leaves to it: strictest refuses a GET or HEAD with a body;
 * defensive forwards it with Connection: close both ways (HAProxy's H1 mux then closes the member
 * and the client connection after the answer); monitor forwards it as any request. Both mark it
 * (txn.elbow_ambiguous) for the log: elbow's log says so, as the Node engine's does
 * (accessLogLines). Header names that look like framing headers are re-framed by HAProxy's parser.
 */
function desyncLines(mode: DesyncMitigationMode): string[] {
  if (mode === 'strictest') return BODYLESS_WITH_BODY.map((when) => `    http-request ${refused('a GET or HEAD request with a body')} if ${when}`);
  const marked = BODYLESS_WITH_BODY.map((when) => `    http-request set-var(txn.elbow_ambiguous) bool(true) if ${when}`);
  if (mode === 'monitor') return marked;
  return [
    ...marked,
    '    http-request set-header Connection close if { var(txn.elbow_ambiguous) -m bool }',
    '    http-after-response set-header Connection close if { var(txn.elbow_ambiguous) -m bool }',
  ];
}

/** insert_headers "true" → set-header (X-Forwarded-For appended to what the client sent, as in Node). */
function insertHeaderLines(listener: SnapshotListener): string[] {
  const wanted = new Set(Object.entries(listener.insertHeaders).filter(([, value]) => String(value).toLowerCase() === 'true').map(([key]) => key.toLowerCase()));
  const scheme = listener.tls === null ? 'http' : 'https';
  const lines: string[] = [];
  if (wanted.has('x-forwarded-for')) {
    lines.push('    http-request set-header X-Forwarded-For "%[req.fhdr(x-forwarded-for)], %[src]" if { req.fhdr(x-forwarded-for) -m found }');
    lines.push('    http-request set-header X-Forwarded-For %[src] unless { req.fhdr(x-forwarded-for) -m found }');
  }
  if (wanted.has('x-forwarded-port')) lines.push('    http-request set-header X-Forwarded-Port %[dst_port]');
  if (wanted.has('x-forwarded-proto')) lines.push(`    http-request set-header X-Forwarded-Proto ${scheme}`);
  if (wanted.has('x-real-ip')) lines.push('    http-request set-header X-Real-IP %[src]');
  if (wanted.has('x-forwarded-host')) lines.push('    http-request set-header X-Forwarded-Host %[req.hdr(host)] if { req.hdr(host) -m found }');
  if (wanted.has('x-forwarded-elb-ip')) lines.push('    http-request set-header X-Forwarded-ELB-IP %[dst]');
  if (listener.tls !== null) {
    // Octavia's X-SSL-Client-* (the Node engine: tls/client-certificate.ts).
    const client: Record<string, string> = {
      'x-ssl-client-has-cert': 'X-SSL-Client-Has-Cert %[ssl_c_used,iif(true,false)]',
      'x-ssl-client-verify': 'X-SSL-Client-Verify %[ssl_c_verify,bool]',
      'x-ssl-client-dn': 'X-SSL-Client-DN %{+Q}[ssl_c_s_dn]',
      'x-ssl-client-cn': 'X-SSL-Client-CN %{+Q}[ssl_c_s_dn(cn)]',
      'x-ssl-issuer': 'X-SSL-Issuer %{+Q}[ssl_c_i_dn]',
      'x-ssl-client-sha1': 'X-SSL-Client-SHA1 %{+Q}[ssl_c_sha1,hex]',
      'x-ssl-client-not-before': 'X-SSL-Client-Not-Before %{+Q}[ssl_c_notbefore]',
      'x-ssl-client-not-after': 'X-SSL-Client-Not-After %{+Q}[ssl_c_notafter]',
    };
    for (const [name, line] of Object.entries(client)) {
      if (!wanted.has(name)) continue;
      // Without a certificate Node sends only Has-Cert (false).
      lines.push(name === 'x-ssl-client-has-cert' ? `    http-request set-header ${line}` : `    http-request set-header ${line} if { ssl_c_used }`);
    }
  }
  return lines;
}

/** A policy's decision: final `http-request` actions (each with an extra condition), or a pool. */
type PolicyAction = { readonly kind: 'final'; readonly rules: readonly { readonly action: string; readonly when: string }[] } | { readonly kind: 'pool'; readonly backend: string };

const HOST_KNOWN = '{ var(txn.elbow_host) -m found }';

function final(action: string, when = ''): PolicyAction {
  return { kind: 'final', rules: [{ action, when }] };
}

function policyAction(listener: SnapshotListener, policy: SnapshotPolicy, context: FrontendContext, files: FileSet): PolicyAction {
  const code = policy.redirectHttpCode ?? 302;
  switch (policy.action) {
    case 'REDIRECT_TO_POOL':
      return { kind: 'pool', backend: context.backendOf(policy.redirectPoolId) ?? context.noPoolBackend('http') };
    case 'REDIRECT_TO_URL':
      return final(`redirect code ${code} location ${quoted(logFormatLiteral(policy.redirectUrl ?? '/'))}`);
    case 'REDIRECT_PREFIX': {
      const prefix = (policy.redirectPrefix ?? '').replace(/\/$/, '');
      return final(`redirect code ${code} location ${quoted(`${logFormatLiteral(prefix)}%[pathq]`)}`);
    }
    case 'REDIRECT_TO_LISTENER':
      return redirectToListener(listener, policy, code);
    case 'REJECT':
      return final(REJECTED);
    case 'FIXED_RESPONSE':
      return fixedResponse(policy, files);
  }
}

function redirectToListener(listener: SnapshotListener, policy: SnapshotPolicy, code: number): PolicyAction {
  const target = policy.redirectListener;
  if (target === null) return final(REJECTED);
  const scheme = target.protocol === 'HTTP' || target.protocol === 'TCP' || target.protocol === 'UDP' ? 'http' : 'https';
  // Same host as the client asked for, port removed; a request without Host goes to the VIP (compile-policies.ts).
  return {
    kind: 'final',
    rules: [
      { action: `redirect code ${code} location ${quoted(`${scheme}://%[var(txn.elbow_host)]:${target.port}%[pathq]`)}`, when: HOST_KNOWN },
      { action: `redirect code ${code} location ${quoted(`${scheme}://${logFormatLiteral(urlHost(listener.address))}:${target.port}%[pathq]`)}`, when: `!${HOST_KNOWN}` },
    ],
  };
}

function fixedResponse(policy: SnapshotPolicy, files: FileSet): PolicyAction {
  const config = policy.fixedResponse;
  const status = Number(config?.status_code ?? 200);
  const type = config?.content_type ?? 'text/plain';
  const body = config?.message_body ?? '';
  const file = files.add(`bodies/${safeName(policy.id)}.body`, body, 'static');
  return final(body === '' ? `return status ${status}` : `return status ${status} content-type ${quoted(type)} file ${quoted(file)}`);
}

/**
 * Policies in position order, first match wins (Node: routing/compile-policies.ts). HAProxy runs
 * every `http-request` rule before any `use_backend`: when a pool choice comes before a final
 * action, the choice is kept in a variable so that later policies leave it alone.
 */
function policyLines(listener: SnapshotListener, context: FrontendContext, files: FileSet): { decide: string[]; route: string[] } {
  const policies = [...listener.policies].filter((policy) => policy.rules.length > 0).sort((a, b) => a.position - b.position);
  if (policies.length === 0) return { decide: [], route: [] };
  const lines: string[] = [];
  const prelude: string[] = [];
  const decisions = policies.map((policy) => {
    const rules = policy.rules.map(renderRule);
    for (const rule of rules) {
      lines.push(...rule.acls.map((acl) => `    ${acl}`));
      prelude.push(...rule.prelude.map((line) => `    ${line}`));
    }
    return { condition: rules.map((rule) => rule.term).join(' '), action: policyAction(listener, policy, context, files) };
  });
  if (policies.some((policy) => policy.action === 'REDIRECT_TO_LISTENER')) {
    prelude.unshift('    http-request set-var(txn.elbow_host) req.hdr(host),lower,regsub(:[0-9]+$,) if { req.hdr(host) -m len gt 0 }');
  }
  lines.push(...prelude);
  const lastFinal = decisions.map((d) => d.action.kind).lastIndexOf('final');
  const remembered = decisions.slice(0, Math.max(0, lastFinal)).some((d) => d.action.kind === 'pool');
  const guard = remembered ? '!{ var(txn.elbow_pool) -m found } ' : '';
  for (const { condition, action } of decisions) {
    if (action.kind === 'final') {
      for (const rule of action.rules) lines.push(`    http-request ${rule.action} if ${guard}${rule.when ? `${rule.when} ` : ''}${condition}`);
    } else if (remembered) {
      lines.push(`    http-request set-var(txn.elbow_pool) str(${action.backend}) if ${guard}${condition}`);
    }
  }
  const route: string[] = [];
  const chosen = new Set<string>();
  for (const { condition, action } of decisions) {
    if (action.kind !== 'pool') continue;
    if (!remembered) route.push(`    use_backend ${action.backend} if ${condition}`);
    else if (!chosen.has(action.backend)) route.push(`    use_backend ${action.backend} if { var(txn.elbow_pool) -m str ${action.backend} }`);
    chosen.add(action.backend);
  }
  return { decide: lines, route };
}

/**
 * Log entries to elbow's receiver (access-log.ts): each request when access_log is on ("w":1, the
 * access log gets it), and requests marked ambiguous (desyncLines: "a" is "1"), which elbow's own
 * log reports in defensive and monitor mode. Without access_log, every other request is silent.
 */
function accessLogLines(listener: SnapshotListener, target: string | null): string[] {
  if (target === null || !HTTP_LISTENER_PROTOCOLS[listener.protocol]) return [];
  const marksAmbiguous = listener.desyncMitigationMode !== 'strictest';
  if (!listener.accessLog && !marksAmbiguous) return [];
  const format = `{"l":${JSON.stringify(logFormatLiteral(listener.id))},"c":"%ci:%cp","s":"%si:%sp","m":"%[capture.req.method,json(utf8s)]","u":"%[capture.req.uri,json(utf8s)]","st":%ST,"bi":%U,"bo":%B,"ta":%Ta,"tr":%Tr,"t":%Ts%ms,"w":${listener.accessLog ? 1 : 0},"a":"%[var(txn.elbow_ambiguous)]","d":"${listener.desyncMitigationMode}"}`;
  return [`    log ${target} len 16384 format raw local0 info`, `    log-format ${quoted(format)}`];
}

/** Without access_log, only ambiguous requests are logged (after desyncLines has marked them). */
function silenceLines(listener: SnapshotListener, target: string | null): string[] {
  if (target === null || listener.accessLog || listener.desyncMitigationMode === 'strictest') return [];
  return ['    http-request set-log-level silent unless { var(txn.elbow_ambiguous) -m bool }'];
}

export function renderFrontend(listener: SnapshotListener, context: FrontendContext): RenderedFrontend {
  const { files } = context;
  const mode: BackendMode = HTTP_LISTENER_PROTOCOLS[listener.protocol] ? 'http' : 'tcp';
  const bind = bindLine(listener, files);
  const lines = [`frontend ${safeName(listener.id)}`, `    mode ${mode}`, bind.line, `    timeout client ${ms(listener.timeouts.clientData)}`];
  if (mode === 'http') {
    // Node: a request head within min(30 s, timeout_client_data); idle keep-alive for
    // timeout_http_keep_alive, else timeout_client_data.
    lines.push(`    timeout http-request ${ms(Math.min(30_000, listener.timeouts.clientData))}`);
    lines.push(`    timeout http-keep-alive ${ms(listener.httpKeepAliveMs ?? listener.timeouts.clientData)}`);
    // A keep-alive connection closes after its answer once its worker is old: no request is sent
    // on a connection the old worker is about to close (research §3, the keep-alive race).
    lines.push('    option idle-close-on-response');
  }
  lines.push(...accessLogLines(listener, context.accessLogTarget));
  lines.push(...admissionLines(listener, files));
  const defaultBackend = context.backendOf(listener.defaultPoolId) ?? context.noPoolBackend(mode);
  const pools = listener.defaultPoolId !== null && context.backendOf(listener.defaultPoolId) !== null ? [listener.defaultPoolId] : [];
  if (mode === 'http') {
    lines.push(...SCREENING, ...desyncLines(listener.desyncMitigationMode), ...silenceLines(listener, context.accessLogTarget));
    // Policies see the request as the client sent it; headers are edited once it is decided.
    const policies = policyLines(listener, context, files);
    lines.push(...policies.decide);
    // Hop-by-hop headers HAProxy leaves in place (it removes Connection, Keep-Alive, TE, Upgrade itself).
    // A prefix match (header names are lower case in HAProxy, and it compares them without case):
    // a regular expression run on every header name cost 2,000 instructions per request.
    lines.push('    http-request del-header proxy- -m beg');
    lines.push('    http-response del-header proxy- -m beg');
    // HSTS on every answer, HAProxy's own (redirects, fixed responses, errors) included; a
    // member's header is replaced, as in Node (proxy-generation.ts hstsHeader).
    if (listener.hsts !== null) lines.push(`    http-after-response set-header Strict-Transport-Security ${quoted(hstsValue(listener.hsts))}`);
    lines.push(...insertHeaderLines(listener));
    lines.push(...policies.route);
    for (const policy of listener.policies) if (policy.redirectPoolId !== null && context.backendOf(policy.redirectPoolId) !== null) pools.push(policy.redirectPoolId);
  }
  lines.push(`    default_backend ${defaultBackend}`);
  return { listenerId: listener.id, mode, text: lines.join('\n'), crtList: bind.crtList, poolIds: [...new Set(pools)] };
}

