// Listeners: a frontend protocol and port of a load balancer. Octavia v2's fields; `ipgroup` is
// Huawei ELB's, `access_log` elbow's.

import { Type } from '@sinclair/typebox';
import { DESYNC_MITIGATION_MODES, LISTENER_PROTOCOLS } from '../types.js';

/** Listener protocols that speak HTTP to clients. */
const HTTP_LISTENER_PROTOCOLS = ['HTTP', 'HTTPS', 'TERMINATED_HTTPS'] as const;
import {
  AlpnProtocols,
  Enum,
  Id,
  Nullable,
  Port,
  Ref,
  TIMEOUT_MAX_MS,
  TimeoutMs,
  TlsCiphers,
  TlsVersions,
  adminStateUpField,
  defineResource,
  descriptionField,
  nameField,
  nestedOne,
  nestingRelation,
  output,
  relation,
  tagsField,
} from './field.js';

/** HSTS is an HTTP answer header: HTTPS listeners only (Octavia: TERMINATED_HTTPS). */
const HSTS_APPLIES = { field: 'protocol', values: ['HTTPS', 'TERMINATED_HTTPS'] } as const;
const HSTS_SNAPSHOT = { path: 'hsts', via: 'with hsts_max_age: max-age and the two flags; null otherwise' };

const ListenerIpGroup = Type.Object({ ipgroup_id: Id, enable_ipgroup: Type.Boolean(), type: Enum(['white', 'black'] as const) });
const ListenerIpGroupBody = Type.Object(
  { ipgroup_id: Id, enable_ipgroup: Type.Optional(Type.Boolean()), type: Type.Optional(Enum(['white', 'black'] as const)) },
  { additionalProperties: false },
);

export const LISTENER = defineResource({
  kind: 'listener',
  title: 'listener',
  collectionPath: 'listeners',
  singular: 'listener',
  plural: 'listeners',
  hasStatus: true,
  snapshotPart: 'listeners[]',
  cli: { description: 'listeners: a protocol and port of a load balancer', columns: ['name', 'protocol', 'protocol_port', 'loadbalancer_id', 'default_pool_id'] },
  fields: {
    protocol: {
      schema: Enum(LISTENER_PROTOCOLS),
      create: 'required',
      update: 'fixed',
      doc: 'Frontend protocol; TERMINATED_HTTPS is a synonym of HTTPS, SSL needs a classic load balancer',
      snapshot: 'protocol',
    },
    protocol_port: { schema: Port, create: 'required', update: 'fixed', doc: 'Frontend port, 1-65535', example: 443, snapshot: 'port' },
    loadbalancer_id: { schema: Id, create: 'required', update: 'fixed', ref: 'loadbalancer', fromParent: true, doc: 'The load balancer it belongs to', snapshot: 'loadBalancerId' },
    name: { ...nameField, snapshot: 'name' },
    description: descriptionField,
    admin_state_up: {
      ...adminStateUpField,
      snapshot: { path: 'enabled', via: 'enabled = its own and its load balancer\'s admin state; a listener that is down keeps no socket open' },
    },
    connection_limit: { schema: Type.Integer({ minimum: -1 }), default: -1, doc: 'Most open client connections (-1: unlimited)', example: 1000, snapshot: 'connectionLimit' },
    default_pool_id: {
      schema: Nullable(Id),
      default: null,
      ref: 'pool',
      doc: 'The pool that gets traffic no forwarding policy takes',
      snapshot: { path: 'defaultPoolId', via: 'kept while the pool exists' },
    },
    default_pool: nestedOne(
      'At create: a pool to create as its default pool, with its members and healthmonitor (in a load balancer\'s single-call create, {"name": …} names one of its pools)',
      'pool',
    ),
    default_tls_container_ref: {
      schema: Ref,
      default: null,
      ref: 'certificate',
      doc: 'Server certificate (id or URL) of a TLS-terminating listener',
      snapshot: { path: 'tls.defaultCertificate', via: 'resolved to the certificate, its key and its names' },
    },
    sni_container_refs: {
      schema: Type.Array(Type.String({ maxLength: 255 })),
      default: [],
      nullResets: true,
      ref: 'certificate',
      doc: 'More server certificates, chosen by SNI',
      snapshot: { path: 'tls.sniCertificates', via: 'resolved to the certificates, their keys and their names' },
    },
    client_ca_tls_container_ref: {
      schema: Ref,
      default: null,
      ref: 'certificate',
      doc: 'Client certificate (CA bundle) that client certificates are verified against',
      snapshot: { path: 'tls.clientCaPem', via: 'resolved to the PEM bundle' },
    },
    client_authentication: {
      schema: Enum(['NONE', 'OPTIONAL', 'MANDATORY'] as const),
      default: 'NONE',
      doc: 'Mutual TLS: whether clients must present a certificate',
      snapshot: { path: 'tls.clientAuthentication', via: 'NONE without a client CA' },
    },
    client_crl_container_ref: {
      schema: Ref,
      default: null,
      ref: 'certificate',
      doc: 'Revocation list for client certificates: a client certificate (CA bundle) holding X509 CRL blocks',
      snapshot: { path: 'tls.clientCrls', via: 'the X509 CRL blocks of the referenced certificate, with a client CA only' },
    },
    insert_headers: {
      schema: Type.Record(Type.String(), Type.String({ maxLength: 255 })),
      default: {},
      nullResets: true,
      doc: 'Headers added to requests towards members, e.g. {"X-Forwarded-For": "true"} (names in model/rules/listener-http.ts)',
      example: { 'X-Forwarded-For': 'true' },
      appliesWhen: { field: 'protocol', values: HTTP_LISTENER_PROTOCOLS },
      snapshot: 'insertHeaders',
    },
    timeout_client_data: {
      schema: TimeoutMs,
      default: 50000,
      nullResets: true,
      doc: 'Milliseconds of client inactivity before the connection is closed',
      snapshot: 'timeouts.clientData',
    },
    timeout_member_connect: { schema: TimeoutMs, default: 5000, nullResets: true, doc: 'Milliseconds to wait for a member connection', snapshot: 'timeouts.memberConnect' },
    timeout_member_data: {
      schema: TimeoutMs,
      default: 50000,
      nullResets: true,
      doc: 'Milliseconds of member inactivity before the connection is closed',
      snapshot: 'timeouts.memberData',
    },
    timeout_tcp_inspect: {
      schema: TimeoutMs,
      default: 0,
      nullResets: true,
      doc: 'Milliseconds to wait for more data to inspect; elbow inspects no TCP content, so only 0 is accepted',
      ignored: 'refused: anything but 0 is a 400 FIELD_NOT_SUPPORTED (model/rules/listener-http.ts)',
    },
    timeout_http_keep_alive: {
      schema: Nullable(Type.Integer({ minimum: 1, maximum: TIMEOUT_MAX_MS })),
      default: null,
      doc: "elbow extension: milliseconds an idle HTTP/1.x client connection is kept open for its next request (HAProxy's timeout http-keep-alive, nginx's keepalive_timeout); null = timeout_client_data",
      example: 5000,
      appliesWhen: { field: 'protocol', values: HTTP_LISTENER_PROTOCOLS },
      snapshot: 'httpKeepAliveMs',
    },
    desync_mitigation_mode: {
      schema: Enum(DESYNC_MITIGATION_MODES),
      default: 'defensive',
      doc: "elbow extension (AWS ALB's desync mitigation modes): what an HTTP/1 request AWS's http-desync-guardian classes as ambiguous (a GET with a body, a header name that looks like Content-Length) gets. defensive: forwarded, then the client and member connections close; strictest: refused with 400; monitor: forwarded and logged, connections kept. Severe requests are refused in every mode",
      example: 'strictest',
      appliesWhen: { field: 'protocol', values: HTTP_LISTENER_PROTOCOLS },
      snapshot: 'desyncMitigationMode',
    },
    allowed_cidrs: {
      schema: Nullable(Type.Array(Type.String({ maxLength: 64 }))),
      default: null,
      doc: 'Client addresses allowed to connect (CIDRs); null = every client',
      example: ['192.0.2.0/24', '2001:db8::/32'],
      snapshot: { path: 'accessControl.allowedCidrs', via: 'null → [] (everyone)' },
    },
    tls_ciphers: {
      schema: TlsCiphers,
      default: null,
      doc: "OpenSSL cipher string; null = Node's default",
      example: 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256',
      snapshot: { path: 'tls.ciphers', via: 'TLS listeners only' },
    },
    tls_versions: {
      schema: TlsVersions,
      default: null,
      doc: 'TLS versions offered, e.g. ["TLSv1.2", "TLSv1.3"]; null = TLSv1.2 and up',
      example: ['TLSv1.3'],
      snapshot: { path: 'tls.versions', via: 'TLS listeners only' },
    },
    alpn_protocols: {
      schema: AlpnProtocols,
      default: null,
      doc: 'ALPN protocols offered, in order, e.g. ["h2", "http/1.1"]; null = http/1.1 only (SSL listeners: none); changes apply live',
      example: ['h2', 'http/1.1'],
      snapshot: { path: 'tls.alpnProtocols', via: 'null → ["http/1.1"] (SSL listeners: [])' },
    },
    hsts_max_age: {
      schema: Nullable(Type.Integer({ minimum: 0 })),
      default: null,
      doc: 'Seconds of max-age in the Strict-Transport-Security header every answer carries; null = no header',
      example: 31536000,
      appliesWhen: HSTS_APPLIES,
      snapshot: HSTS_SNAPSHOT,
    },
    hsts_include_subdomains: { schema: Type.Boolean(), default: false, doc: 'Add includeSubDomains to the HSTS header (with hsts_max_age)', appliesWhen: HSTS_APPLIES, snapshot: HSTS_SNAPSHOT },
    hsts_preload: { schema: Type.Boolean(), default: false, doc: 'Add preload to the HSTS header (with hsts_max_age)', appliesWhen: HSTS_APPLIES, snapshot: HSTS_SNAPSHOT },
    tags: tagsField,
    ipgroup: {
      schema: Nullable(ListenerIpGroup),
      input: Nullable(ListenerIpGroupBody),
      default: null,
      doc: 'Huawei ELB extension: an IP address group as a white or black list ({"ipgroup_id", "enable_ipgroup": true, "type": "white"})',
      example: { ipgroup_id: '0d2f6c2e-4b7a-4a47-9d0e-3f1c2b6a9e10', enable_ipgroup: true, type: 'black' },
      snapshot: { path: 'accessControl.ipGroup', via: "resolved to the group's addresses when enabled" },
    },
    access_log: { schema: Type.Boolean(), default: false, doc: 'elbow extension: write a JSON-lines access log for this listener', snapshot: 'accessLog' },
    loadbalancers: relation('Its load balancer, as a list (Octavia)'),
    l7policies: nestingRelation('Its forwarding policies, in position order. At create: policies to create with it, with their rules', 'l7policy'),
    provisioning_status_reason: {
      ...output(Type.String(), 'elbow extension: why provisioning_status is ERROR (e.g. the port is taken by another program)'),
      stored: false,
      optional: true,
    },
  },
});
