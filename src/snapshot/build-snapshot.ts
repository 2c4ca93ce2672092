// Builds the data plane's Snapshot from everything in the store at one revision: references
// resolved (VIP, pools, certificates, ip groups, redirect targets), Octavia units converted
// (health monitor delay/timeout are seconds → ms), defaults applied, disabled things marked or
// left out. Pure: the same contents always give the same snapshot.

import { certificateIdFromRef } from '../model/certificate-ref.js';
import { TLS_LISTENER_PROTOCOLS, transportOf } from '../model/protocols.js';
import type { HealthMonitor, L7Policy, Listener, LoadBalancer, Member, Pool, StoredCertificate } from '../model/types.js';
import type { StoreContents } from '../store/store.js';
import type {
  Snapshot,
  SnapshotAccessControl,
  SnapshotHealthMonitor,
  SnapshotListener,
  SnapshotListenerTls,
  SnapshotMember,
  SnapshotPolicy,
  SnapshotPool,
  SnapshotTlsCertificate,
} from './snapshot.js';

/** Octavia's default persistence_timeout for SOURCE_IP (seconds). */
const DEFAULT_PERSISTENCE_TIMEOUT_SECONDS = 360;
/** Advertised when a TLS listener sets no alpn_protocols: HTTP/1.1 only. */
const DEFAULT_ALPN = ['http/1.1'];
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

function byId<T extends { id: string }>(items: readonly T[]): Map<string, T> {
  return new Map(items.map((item) => [item.id, item]));
}

function live<T extends { provisioning_status?: string }>(items: readonly T[]): T[] {
  return items.filter((item) => item.provisioning_status !== 'DELETED' && item.provisioning_status !== 'PENDING_DELETE');
}

export function buildSnapshot(contents: StoreContents): Snapshot {
  const r = contents.resources;
  const loadBalancers = byId(live<LoadBalancer>(r.loadbalancer));
  const listeners = live<Listener>(r.listener).filter((l) => loadBalancers.has(l.loadbalancer_id));
  const listenersById = byId(listeners);
  const poolsById = byId(live<Pool>(r.pool));
  const certificates = byId(r.certificate);
  const ipGroups = byId(r.ipgroup);
  const monitors = live<HealthMonitor>(r.healthmonitor);
  const membersByPool = groupBy(live<Member>(r.member), (m) => m.pool_id);
  const policiesByListener = groupBy(
    live<L7Policy>(r.l7policy).filter((p) => p.admin_state_up),
    (p) => p.listener_id,
  );
  const rulesByPolicy = groupBy(
    live(r.l7rule).filter((rule) => rule.admin_state_up),
    (rule) => rule.l7policy_id,
  );

  const certificate = (ref: string | null): StoredCertificate | undefined => (ref === null ? undefined : certificates.get(certificateIdFromRef(ref)));
  const tlsCertificate = (ref: string | null): SnapshotTlsCertificate | null => {
    const found = certificate(ref);
    return found ? { id: found.id, certificatePem: found.certificate, privateKeyPem: found.private_key ?? '', names: certificateNames(found) } : null;
  };
  const existingPool = (id: string | null): string | null => (id !== null && poolsById.has(id) ? id : null);

  function listenerTls(listener: Listener): SnapshotListenerTls | null {
    const defaultCertificate = tlsCertificate(listener.default_tls_container_ref);
    if (!defaultCertificate) return null;
    const clientCa = certificate(listener.client_ca_tls_container_ref);
    return {
      defaultCertificate,
      sniCertificates: listener.sni_container_refs.map(tlsCertificate).filter((c) => c !== null),
      clientCaPem: clientCa ? clientCa.certificate : null,
      clientAuthentication: clientCa ? listener.client_authentication : 'NONE',
      versions: listener.tls_versions,
      ciphers: listener.tls_ciphers,
      alpnProtocols: listener.alpn_protocols ?? DEFAULT_ALPN,
    };
  }

  function accessControl(listener: Listener): SnapshotAccessControl {
    const ref = listener.ipgroup;
    const group = ref && ref.enable_ipgroup ? ipGroups.get(ref.ipgroup_id) : undefined;
    return {
      allowedCidrs: listener.allowed_cidrs ?? [],
      ipGroup: ref && group ? { type: ref.type, cidrs: group.ip_list.map((entry) => entry.ip) } : null,
    };
  }

  function policies(listener: Listener): SnapshotPolicy[] {
    return [...(policiesByListener.get(listener.id) ?? [])]
      .sort((a, b) => a.position - b.position)
      .map((policy) => {
        const target = policy.redirect_listener_id === null ? undefined : listenersById.get(policy.redirect_listener_id);
        return {
          id: policy.id,
          position: policy.position,
          action: policy.action,
          rules: (rulesByPolicy.get(policy.id) ?? []).map((rule) => ({
            id: rule.id,
            type: rule.type,
            compareType: rule.compare_type,
            key: rule.key,
            value: rule.value,
            invert: rule.invert,
          })),
          redirectPoolId: existingPool(policy.redirect_pool_id),
          redirectUrl: policy.redirect_url,
          redirectPrefix: policy.redirect_prefix,
          redirectHttpCode: policy.redirect_http_code,
          redirectListener: target ? { protocol: target.protocol, port: target.protocol_port } : null,
          fixedResponse: policy.fixed_response_config,
        };
      });
  }

  function snapshotListener(listener: Listener): SnapshotListener {
    const lb = loadBalancers.get(listener.loadbalancer_id) as LoadBalancer;
    const tls = TLS_LISTENER_PROTOCOLS[listener.protocol] ? listenerTls(listener) : null;
    return {
      id: listener.id,
      loadBalancerId: lb.id,
      name: listener.name,
      protocol: listener.protocol,
      transport: transportOf(listener.protocol),
      address: lb.vip_address,
      port: listener.protocol_port,
      // A TLS listener whose certificate is gone cannot serve; the API prevents that, this is a guard.
      enabled: lb.admin_state_up && listener.admin_state_up && (tls !== null || !TLS_LISTENER_PROTOCOLS[listener.protocol]),
      connectionLimit: listener.connection_limit,
      timeouts: {
        clientData: listener.timeout_client_data,
        memberConnect: listener.timeout_member_connect,
        memberData: listener.timeout_member_data,
        tcpInspect: listener.timeout_tcp_inspect,
      },
      insertHeaders: listener.insert_headers,
      accessControl: accessControl(listener),
      defaultPoolId: existingPool(listener.default_pool_id),
      tls,
      policies: policies(listener),
      accessLog: listener.access_log,
    };
  }

  function healthMonitor(pool: Pool): SnapshotHealthMonitor | null {
    const monitor = monitors.find((m) => m.id === pool.healthmonitor_id) ?? monitors.find((m) => m.pool_id === pool.id);
    if (!monitor || !monitor.admin_state_up) return null;
    return {
      id: monitor.id,
      type: monitor.type,
      intervalMs: Math.max(monitor.delay, MIN_MONITOR_SECONDS) * 1000,
      timeoutMs: Math.max(monitor.timeout, MIN_MONITOR_SECONDS) * 1000,
      riseCount: monitor.max_retries,
      fallCount: monitor.max_retries_down,
      httpMethod: monitor.http_method ?? 'GET',
      urlPath: monitor.url_path ?? '/',
      expectedCodes: parseExpectedCodes(monitor.expected_codes ?? '200'),
      httpVersion: monitor.http_version ?? 1.0,
      domainName: monitor.domain_name,
    };
  }

  function snapshotMember(member: Member): SnapshotMember {
    return {
      id: member.id,
      name: member.name,
      address: member.address,
      port: member.protocol_port,
      weight: member.weight,
      backup: member.backup,
      enabled: member.admin_state_up,
      monitorAddress: member.monitor_address ?? member.address,
      monitorPort: member.monitor_port ?? member.protocol_port,
    };
  }

  function snapshotPool(pool: Pool): SnapshotPool {
    const persistence = pool.session_persistence;
    return {
      id: pool.id,
      name: pool.name,
      protocol: pool.protocol,
      algorithm: pool.lb_algorithm,
      enabled: pool.admin_state_up,
      sessionPersistence: persistence
        ? { type: persistence.type, cookieName: persistence.cookie_name, timeoutSeconds: persistence.persistence_timeout ?? DEFAULT_PERSISTENCE_TIMEOUT_SECONDS }
        : null,
      members: (membersByPool.get(pool.id) ?? []).map(snapshotMember),
      healthMonitor: healthMonitor(pool),
      tls:
        pool.tls_enabled || pool.protocol === 'HTTPS'
          ? { caPem: certificate(pool.ca_tls_container_ref)?.certificate ?? null, clientCertificate: tlsCertificate(pool.tls_container_ref), sni: true }
          : null,
    };
  }

  const snapshotListeners = listeners.map(snapshotListener);
  const referenced = new Set<string>();
  for (const listener of snapshotListeners) {
    if (listener.defaultPoolId !== null) referenced.add(listener.defaultPoolId);
    for (const policy of listener.policies) if (policy.redirectPoolId !== null) referenced.add(policy.redirectPoolId);
  }
  const pools: Record<string, SnapshotPool> = {};
  for (const id of referenced) pools[id] = snapshotPool(poolsById.get(id) as Pool);
  return { revision: contents.revision, listeners: snapshotListeners, pools };
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
