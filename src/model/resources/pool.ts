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

const MEMBER_TLS_DEFAULTS = "stored and checked, not applied: connections to members use Node's TLS defaults";

const persistenceFields = {
  type: Enum(SESSION_PERSISTENCE_TYPES),
  cookie_name: Nullable(Type.String({ maxLength: 255 })),
  /** Seconds a SOURCE_IP binding lasts; null = the data plane's default. */
  persistence_timeout: Nullable(Type.Integer({ minimum: 0 })),
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
      doc: 'Sticky sessions, e.g. {"type": "HTTP_COOKIE"} or {"type": "APP_COOKIE", "cookie_name": "JSESSIONID"}',
      example: { type: 'APP_COOKIE', cookie_name: 'JSESSIONID', persistence_timeout: null, persistence_granularity: null },
      snapshot: { path: 'sessionPersistence', via: 'persistence_timeout null → 360 s' },
    },
    tls_enabled: {
      schema: Type.Boolean(),
      default: false,
      doc: 'Re-encrypt to members (always on for HTTPS pools)',
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
      doc: "Revocation list for members' certificates",
      ignored: "stored and checked, not applied: members' certificates are not checked against a revocation list yet",
    },
    tls_ciphers: { schema: TlsCiphers, default: null, doc: 'OpenSSL cipher string towards members', ignored: MEMBER_TLS_DEFAULTS },
    tls_versions: { schema: TlsVersions, default: null, doc: 'TLS versions towards members', ignored: MEMBER_TLS_DEFAULTS },
    alpn_protocols: { schema: AlpnProtocols, default: null, doc: 'ALPN protocols towards members', ignored: MEMBER_TLS_DEFAULTS },
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
