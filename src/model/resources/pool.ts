// Pools (backend server groups): how to balance over members and how to reach them.

import { Type } from '@sinclair/typebox';
import { LB_ALGORITHMS, POOL_PROTOCOLS, SESSION_PERSISTENCE_TYPES } from '../types.js';
import {
  AlpnProtocols,
  Enum,
  Id,
  Nullable,
  Ref,
  TlsCiphers,
  TimeoutSeconds,
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


const persistenceFields = {
  type: Enum(SESSION_PERSISTENCE_TYPES),
  cookie_name: Nullable(Type.String({ maxLength: 255 })),
  /** Seconds a SOURCE_IP binding lasts; null = the data plane's default. */
  persistence_timeout: Nullable(TimeoutSeconds),
  persistence_granularity: Nullable(Type.String({ maxLength: 64 })),
};
const SessionPersistence = Type.Object(persistenceFields);
const SessionPersistenceBody = Type.Object(
  {
    type: persistenceFields.type,
    cookie_name: Type.Optional(persistenceFields.cookie_name),
    persistence_timeout: Type.Optional(persistenceFields.persistence_timeout),
    persistence_granularity: Type.Optional(persistenceFields.persistence_granularity),
  },
  { additionalProperties: false },
);

export const POOL = defineResource({
  kind: 'pool',
  title: 'pool (backend server group)',
  collectionPath: 'pools',
  singular: 'pool',
  plural: 'pools',
  hasStatus: true,
  nestedByName: true,
  snapshotPart: 'pools{}',
  cli: { description: 'pools: backend server groups and how to balance across them', columns: ['name', 'protocol', 'lb_algorithm', 'loadbalancer_id'] },
  fields: {
    name: { ...nameField, snapshot: 'name' },
    description: descriptionField,
    admin_state_up: { ...adminStateUpField, snapshot: 'enabled' },
    protocol: {
      schema: Enum(POOL_PROTOCOLS),
      create: 'required',
      update: 'fixed',
      doc: 'Protocol towards members; PROXY/PROXYV2 are TCP preceded by a PROXY protocol header',
      snapshot: 'protocol',
    },
    lb_algorithm: { schema: Enum(LB_ALGORITHMS), create: 'required', doc: 'How members are chosen', snapshot: 'algorithm' },
    session_persistence: {
      schema: Nullable(SessionPersistence),
      input: Nullable(SessionPersistenceBody),
      default: null,
      doc: 'Sticky sessions, e.g. {"type": "HTTP_COOKIE"}, {"type": "APP_COOKIE", "cookie_name": "JSESSIONID"}, {"type": "SOURCE_IP", "persistence_timeout": 360, "persistence_granularity": "255.255.255.0"}',
      example: { type: 'APP_COOKIE', cookie_name: 'JSESSIONID', persistence_timeout: null, persistence_granularity: null },
      snapshot: { path: 'sessionPersistence', via: 'persistence_timeout null → 360 s; persistence_granularity (SOURCE_IP) is a netmask' },
    },
    tls_enabled: {
      schema: Type.Boolean(),
      default: false,
      doc: 'Re-encrypt to members (always on for HTTPS pools; HTTP pools only otherwise)',
      snapshot: { path: 'tls', via: 'TLS settings towards members, or null' },
    },
    tls_container_ref: {
      schema: Ref,
      default: null,
      ref: 'certificate',
      doc: 'Client certificate presented to members',
      snapshot: { path: 'tls.clientCertificate', via: 'resolved to the certificate and its key' },
    },
    ca_tls_container_ref: {
      schema: Ref,
      default: null,
      ref: 'certificate',
      doc: "CA bundle that members' certificates are verified against (none: not verified)",
      snapshot: { path: 'tls.caPem', via: 'resolved to the PEM bundle' },
    },
    crl_container_ref: {
      schema: Ref,
      default: null,
      ref: 'certificate',
      doc: "Revocation list for members' certificates: a client certificate (CA bundle) holding X509 CRL blocks; needs ca_tls_container_ref",
      snapshot: { path: 'tls.crls', via: 'the X509 CRL blocks of the referenced certificate, with a CA only' },
    },
    tls_ciphers: {
      schema: TlsCiphers,
      default: null,
      doc: "OpenSSL cipher string towards members; null = Node's default",
      example: 'ECDHE-ECDSA-AES128-GCM-SHA256',
      snapshot: { path: 'tls.ciphers', via: 'TLS pools only' },
    },
    tls_versions: { schema: TlsVersions, default: null, doc: 'TLS versions towards members; null = TLSv1.2 and up', example: ['TLSv1.3'], snapshot: { path: 'tls.versions', via: 'TLS pools only' } },
    alpn_protocols: {
      schema: AlpnProtocols,
      default: null,
      doc: 'ALPN protocols offered to members (http/1.1, http/1.0: elbow speaks HTTP/1.1 to members); null = none',
      example: ['http/1.1'],
      snapshot: { path: 'tls.alpnProtocols', via: 'null → [] (TLS pools only)' },
    },
    tags: tagsField,
    loadbalancer_id: {
      schema: Id,
      update: 'no',
      ref: 'loadbalancer',
      fromParent: true,
      defaultDoc: "the listener's load balancer (one of loadbalancer_id and listener_id is required)",
      doc: 'The load balancer it belongs to',
      ignored: 'a relation the control plane checks; the snapshot reaches pools through the listeners that use them',
    },
    listener_id: {
      schema: Id,
      update: 'no',
      stored: false,
      shown: false,
      ref: 'listener',
      fromParent: true,
      doc: "At create: make the new pool this listener's default pool",
      ignored: "an instruction at create: it sets the listener's default_pool_id",
    },
    healthmonitor_id: { ...output(Nullable(Type.String()), 'Its health monitor'), default: null },
    loadbalancers: relation('Its load balancer, as a list (Octavia)'),
    listeners: relation('Listeners that send to it (as default pool or through a policy)'),
    members: nestingRelation('Its members. At create: members to create with it', 'member'),
    healthmonitor: nestedOne('At create: its health monitor, created with it', 'healthmonitor'),
  },
});
