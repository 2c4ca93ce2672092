// Builds the data plane's Snapshot from everything in the store at one revision: the fields the
// catalog declares as copied (copied-fields.ts), references resolved (VIP, pools, certificates,
// ip groups, redirect targets), Octavia units converted (health monitor delay/timeout are
// seconds → ms), defaults applied, disabled things marked or left out. Pure: the same contents
// always give the same snapshot.
//
// One listener's or pool's part is built from SnapshotSources (the lookups it needs), so that
// incremental-snapshot.ts rebuilds only what a change touches with the very same functions.

import { certificateIdFromRef } from '../model/certificate-ref.js';
import { parseFlavorData, withFlavorDefaults, type FlavorDefaults } from '../model/flavor-data.js';
import { TLS_LISTENER_PROTOCOLS, transportOf } from '../model/protocols.js';
import type { FlavorProfile, HealthMonitor, IpGroup, L7Policy, L7Rule, Listener, LoadBalancer, Member, Pool, StoredCertificate } from '../model/types.js';
import type { StoreContents } from '../store/store.js';
import { copiedFields } from './copied-fields.js';
import type {
  Snapshot,
  SnapshotAccessControl,
  SnapshotHealthMonitor,
  SnapshotListener,
  SnapshotListenerTls,
  SnapshotMember,
  SnapshotPolicy,
  SnapshotPool,
  SnapshotPoolTls,
  SnapshotTlsCertificate,
} from './snapshot.js';

/** Octavia's default persistence_timeout for SOURCE_IP (seconds). */
const DEFAULT_PERSISTENCE_TIMEOUT_SECONDS = 360;
/** Advertised when an HTTPS listener sets no alpn_protocols: HTTP/1.1 only. SSL listeners offer none. */
const DEFAULT_HTTPS_ALPN = ['http/1.1'];
/** PEM X509 CRL blocks, as a client certificate resource may carry after its CA certificates. */
const CRL_BLOCK = /-----BEGIN X509 CRL-----[\s\S]+?-----END X509 CRL-----/g;
/** Octavia accepts delay and timeout 0; a probe loop needs at least a second of each. */
const MIN_MONITOR_SECONDS = 1;

/** Parses expected_codes ("200", "200,202", "200-204") into inclusive ranges. */
export function parseExpectedCodes(text: string): [number, number][] {
  const range = /^(\d{3})-(\d{3})$/.exec(text.trim());
  if (range) return [[Number(range[1]), Number(range[2])]];
  return text
    .split(',')
    .map((part) => Number(part.trim()))
    .filter((code) => Number.isInteger(code) && code > 0)
    .map((code): [number, number] => [code, code]);
}

/** DNS names a certificate answers for: its subject CN and its subject alternative names. */
export function certificateNames(certificate: Pick<StoredCertificate, 'subject' | 'subject_alt_names'>): string[] {
  const cn = /(?:^|[,\n]\s*)CN=([^,\n]+)/.exec(certificate.subject)?.[1]?.trim();
  return [...new Set([...(cn ? [cn] : []), ...certificate.subject_alt_names])];
}

/** What building one listener or pool looks up; every answer is live configuration only. */
export interface SnapshotSources {
  /** A live load balancer. */
  loadBalancer(id: string): LoadBalancer | undefined;
  /** A live listener of a live load balancer. */
  listener(id: string): Listener | undefined;
  pool(id: string): Pool | undefined;
  certificate(id: string): StoredCertificate | undefined;
  ipGroup(id: string): IpGroup | undefined;
  monitor(id: string): HealthMonitor | undefined;
  /** Live monitors naming the pool, in creation order. */
  monitorsOfPool(poolId: string): readonly HealthMonitor[];
  /** Live members, in creation order. */
  membersOfPool(poolId: string): readonly Member[];
  /** Live, enabled policies, in creation order. */
  policiesOfListener(listenerId: string): readonly L7Policy[];
  /** Live, enabled rules, in creation order. */
  rulesOfPolicy(policyId: string): readonly L7Rule[];
  /** The listener defaults a flavor gives (its profile's flavor_data); empty for an unknown flavor. */
  flavorDefaults(flavorId: string): FlavorDefaults;
}

const NO_DEFAULTS: FlavorDefaults = {};
const parsedProfiles = new WeakMap<FlavorProfile, FlavorDefaults>();

/** A profile's flavor_data, parsed once per stored profile object; the API refuses bad data, so none is a guard. */
export function profileDefaults(profile: FlavorProfile | undefined): FlavorDefaults {
  if (profile === undefined) return NO_DEFAULTS;
  let defaults = parsedProfiles.get(profile);
  if (defaults === undefined) {
    try {
      defaults = parseFlavorData(profile.flavor_data);
    } catch {
      defaults = NO_DEFAULTS;
    }
    parsedProfiles.set(profile, defaults);
  }
  return defaults;
}

function certificateOf(sources: SnapshotSources, ref: string | null): StoredCertificate | undefined {
  return ref === null ? undefined : sources.certificate(certificateIdFromRef(ref));
}

function tlsCertificate(sources: SnapshotSources, ref: string | null): SnapshotTlsCertificate | null {
  const found = certificateOf(sources, ref);
  return found ? { id: found.id, certificatePem: found.certificate, privateKeyPem: found.private_key ?? '', names: certificateNames(found) } : null;
}

/** The X509 CRLs of a referenced certificate resource (none when there is no reference). */
function crlsOf(sources: SnapshotSources, ref: string | null): string[] {
  return certificateOf(sources, ref)?.certificate.match(CRL_BLOCK) ?? [];
}

function existingPool(sources: SnapshotSources, id: string | null): string | null {
  return id !== null && sources.pool(id) !== undefined ? id : null;
}

function listenerTls(listener: Listener, sources: SnapshotSources): SnapshotListenerTls | null {
  const defaultCertificate = tlsCertificate(sources, listener.default_tls_container_ref);
  if (!defaultCertificate) return null;
  const clientCa = certificateOf(sources, listener.client_ca_tls_container_ref);
  return {
    defaultCertificate,
    sniCertificates: listener.sni_container_refs.map((ref) => tlsCertificate(sources, ref)).filter((c) => c !== null),
    clientCaPem: clientCa ? clientCa.certificate : null,
    clientCrls: clientCa ? crlsOf(sources, listener.client_crl_container_ref) : [],
    clientAuthentication: clientCa ? listener.client_authentication : 'NONE',
    versions: listener.tls_versions,
    ciphers: listener.tls_ciphers,
    alpnProtocols: listener.alpn_protocols ?? (listener.protocol === 'SSL' ? [] : DEFAULT_HTTPS_ALPN),
  };
}

/** HSTS for HTTP answers over TLS (Octavia: TERMINATED_HTTPS listeners with hsts_max_age). */
function hsts(listener: Listener): SnapshotListener['hsts'] {
  if (listener.hsts_max_age === null || (listener.protocol !== 'HTTPS' && listener.protocol !== 'TERMINATED_HTTPS')) return null;
  return { maxAge: listener.hsts_max_age, includeSubdomains: listener.hsts_include_subdomains, preload: listener.hsts_preload };
}

function accessControl(listener: Listener, sources: SnapshotSources): SnapshotAccessControl {
  const ref = listener.ipgroup;
  const group = ref && ref.enable_ipgroup ? sources.ipGroup(ref.ipgroup_id) : undefined;
  return {
    allowedCidrs: listener.allowed_cidrs ?? [],
    ipGroup: ref && group ? { type: ref.type, cidrs: group.ip_list.map((entry) => entry.ip) } : null,
  };
}

function policies(listener: Listener, sources: SnapshotSources): SnapshotPolicy[] {
  return [...sources.policiesOfListener(listener.id)]
    .sort((a, b) => a.position - b.position)
    .map((policy) => {
      const target = policy.redirect_listener_id === null ? undefined : sources.listener(policy.redirect_listener_id);
      return {
        ...copiedFields('l7policy', policy),
        id: policy.id,
        rules: sources.rulesOfPolicy(policy.id).map((rule) => ({ ...copiedFields('l7rule', rule), id: rule.id })),
        redirectPoolId: existingPool(sources, policy.redirect_pool_id),
        redirectListener: target ? { protocol: target.protocol, port: target.protocol_port } : null,
      };
    });
}

/**
 * One listener as the data plane runs it; `stored` is live and so is its load balancer. The load
 * balancer's flavor fills the fields the listener leaves at elbow's default (model/flavor-data.ts).
 */
export function snapshotListener(stored: Listener, sources: SnapshotSources): SnapshotListener {
  const lb = sources.loadBalancer(stored.loadbalancer_id) as LoadBalancer;
  const listener = lb.flavor_id === null ? stored : withFlavorDefaults(stored, sources.flavorDefaults(lb.flavor_id));
  const tls = TLS_LISTENER_PROTOCOLS[listener.protocol] ? listenerTls(listener, sources) : null;
  return {
    ...copiedFields('listener', listener),
    id: listener.id,
    transport: transportOf(listener.protocol),
    address: lb.vip_address,
    availabilityZone: lb.availability_zone,
    // A TLS listener whose certificate is gone cannot serve; the API prevents that, this is a guard.
    enabled: lb.admin_state_up && listener.admin_state_up && (tls !== null || !TLS_LISTENER_PROTOCOLS[listener.protocol]),
    accessControl: accessControl(listener, sources),
    defaultPoolId: existingPool(sources, listener.default_pool_id),
    tls,
    hsts: hsts(listener),
    policies: policies(listener, sources),
  };
}

function healthMonitor(pool: Pool, sources: SnapshotSources): SnapshotHealthMonitor | null {
  const monitor = (pool.healthmonitor_id === null ? undefined : sources.monitor(pool.healthmonitor_id)) ?? sources.monitorsOfPool(pool.id)[0];
  if (!monitor || !monitor.admin_state_up) return null;
  return {
    ...copiedFields('healthmonitor', monitor),
    id: monitor.id,
    intervalMs: Math.max(monitor.delay, MIN_MONITOR_SECONDS) * 1000,
    timeoutMs: Math.max(monitor.timeout, MIN_MONITOR_SECONDS) * 1000,
    httpMethod: monitor.http_method ?? 'GET',
    urlPath: monitor.url_path ?? '/',
    expectedCodes: parseExpectedCodes(monitor.expected_codes ?? '200'),
    httpVersion: monitor.http_version ?? 1.0,
  };
}

function snapshotMember(member: Member): SnapshotMember {
  return {
    ...copiedFields('member', member),
    id: member.id,
    monitorAddress: member.monitor_address ?? member.address,
    monitorPort: member.monitor_port ?? member.protocol_port,
  };
}

/** One pool as the data plane runs it; `pool` is live. */
export function snapshotPool(pool: Pool, sources: SnapshotSources): SnapshotPool {
  const persistence = pool.session_persistence;
  return {
    ...copiedFields('pool', pool),
    id: pool.id,
    sessionPersistence: persistence
      ? {
          type: persistence.type,
          cookieName: persistence.cookie_name,
          timeoutSeconds: persistence.persistence_timeout ?? DEFAULT_PERSISTENCE_TIMEOUT_SECONDS,
          granularity: persistence.persistence_granularity,
        }
      : null,
    members: sources.membersOfPool(pool.id).map(snapshotMember),
    healthMonitor: healthMonitor(pool, sources),
    tls: pool.tls_enabled || pool.protocol === 'HTTPS' ? poolTls(pool, sources) : null,
  };
}

function poolTls(pool: Pool, sources: SnapshotSources): SnapshotPoolTls {
  const caPem = certificateOf(sources, pool.ca_tls_container_ref)?.certificate ?? null;
  return {
    caPem,
    // A revocation list needs a CA to check chains against (the API refuses one without).
    crls: caPem === null ? [] : crlsOf(sources, pool.crl_container_ref),
    clientCertificate: tlsCertificate(sources, pool.tls_container_ref),
    sni: true,
    versions: pool.tls_versions,
    ciphers: pool.tls_ciphers,
    alpnProtocols: pool.alpn_protocols ?? [],
  };
}

/** The pools the listeners send to (default pools and policy redirects), in first-reference order. */
export function referencedPoolIds(listeners: readonly SnapshotListener[]): Set<string> {
  const referenced = new Set<string>();
  for (const listener of listeners) {
    if (listener.defaultPoolId !== null) referenced.add(listener.defaultPoolId);
    for (const policy of listener.policies) if (policy.redirectPoolId !== null) referenced.add(policy.redirectPoolId);
  }
  return referenced;
}

function byId<T extends { id: string }>(items: readonly T[]): Map<string, T> {
  return new Map(items.map((item) => [item.id, item]));
}

/** Lookups over a whole StoreContents, indexed once. */
export function sourcesOf(contents: StoreContents): SnapshotSources & { listeners: readonly Listener[] } {
  const r = contents.resources;
  const loadBalancers = byId(r.loadbalancer);
  const listeners = r.listener.filter((l) => loadBalancers.has(l.loadbalancer_id));
  const listenersById = byId(listeners);
  const poolsById = byId(r.pool);
  const certificates = byId(r.certificate);
  const ipGroups = byId(r.ipgroup);
  const flavors = byId(r.flavor);
  const profiles = byId(r.flavorprofile);
  const monitors = r.healthmonitor;
  const monitorsById = byId(monitors);
  const monitorsByPool = groupBy(monitors, (m) => m.pool_id);
  const membersByPool = groupBy(r.member, (m) => m.pool_id);
  const policiesByListener = groupBy(r.l7policy.filter((p) => p.admin_state_up), (p) => p.listener_id);
  const rulesByPolicy = groupBy(r.l7rule.filter((rule) => rule.admin_state_up), (rule) => rule.l7policy_id);
  return {
    listeners,
    loadBalancer: (id) => loadBalancers.get(id),
    listener: (id) => listenersById.get(id),
    pool: (id) => poolsById.get(id),
    certificate: (id) => certificates.get(id),
    ipGroup: (id) => ipGroups.get(id),
    monitor: (id) => monitorsById.get(id),
    monitorsOfPool: (id) => monitorsByPool.get(id) ?? [],
    membersOfPool: (id) => membersByPool.get(id) ?? [],
    policiesOfListener: (id) => policiesByListener.get(id) ?? [],
    rulesOfPolicy: (id) => rulesByPolicy.get(id) ?? [],
    flavorDefaults: (id) => profileDefaults(profiles.get(flavors.get(id)?.flavor_profile_id ?? '')),
  };
}

export function buildSnapshot(contents: StoreContents): Snapshot {
  const sources = sourcesOf(contents);
  const listeners = sources.listeners.map((listener) => snapshotListener(listener, sources));
  const pools: Record<string, SnapshotPool> = {};
  for (const id of referencedPoolIds(listeners)) pools[id] = snapshotPool(sources.pool(id) as Pool, sources);
  return { revision: contents.revision, listeners, pools };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
