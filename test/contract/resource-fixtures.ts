// Complete resources of every kind for the store tests, with overridable fields.

import { randomUUID } from 'node:crypto';
import type {
  AvailabilityZone,
  AvailabilityZoneProfile,
  Flavor,
  FlavorProfile,
  HealthMonitor,
  IpGroup,
  L7Policy,
  L7Rule,
  Listener,
  LoadBalancer,
  Member,
  Pool,
  Quota,
  ResourceBase,
  ResourceByKind,
  ResourceKind,
  StoredCertificate,
} from '../../src/model/types.js';
import { LISTENER_DEFAULTS } from '../../src/model/defaults.js';

const PROJECT = 'project-1';

function base(): ResourceBase {
  return { id: randomUUID(), project_id: PROJECT, created_at: new Date().toISOString(), updated_at: null };
}

export function loadBalancer(overrides: Partial<LoadBalancer> = {}): LoadBalancer {
  return {
    ...base(), tags: ['web'], name: 'lb', description: '', admin_state_up: true, type: 'standard',
    vip_address: '127.0.0.10', vip_port_id: null, vip_subnet_id: null, vip_network_id: null, vip_qos_policy_id: null,
    provider: 'elbow', flavor_id: null, availability_zone: null, listeners: [], pools: [], ...overrides,
  };
}

export function listener(loadbalancer_id: string, overrides: Partial<Listener> = {}): Listener {
  return {
    // The catalog's defaults first: a field added later is set without touching this fixture.
    ...LISTENER_DEFAULTS, ...base(), tags: [], name: 'listener', description: 'front door', admin_state_up: true, loadbalancer_id,
    loadbalancers: [{ id: loadbalancer_id }], protocol: 'HTTP', protocol_port: 80, connection_limit: -1, default_pool_id: null,
    default_tls_container_ref: null, sni_container_refs: [], client_ca_tls_container_ref: null, client_authentication: 'NONE',
    client_crl_container_ref: null, insert_headers: { 'X-Forwarded-For': 'true' }, timeout_client_data: 50000,
    timeout_member_connect: 5000, timeout_member_data: 50000, timeout_tcp_inspect: 0, allowed_cidrs: ['10.0.0.0/8'],
    tls_ciphers: null, tls_versions: null, alpn_protocols: null, hsts_max_age: null, hsts_include_subdomains: false,
    hsts_preload: false, l7policies: [], ipgroup: null, access_log: false, ...overrides,
  };
}

export function pool(loadbalancer_id: string, overrides: Partial<Pool> = {}): Pool {
  return {
    ...base(), tags: [], name: 'pool', description: '', admin_state_up: true, protocol: 'HTTP',
    lb_algorithm: 'ROUND_ROBIN', session_persistence: { type: 'HTTP_COOKIE', cookie_name: null, persistence_timeout: 3600, persistence_granularity: null },
    loadbalancer_id, loadbalancers: [{ id: loadbalancer_id }], listeners: [], members: [], healthmonitor_id: null, tls_enabled: false,
    tls_container_ref: null, ca_tls_container_ref: null, crl_container_ref: null, tls_ciphers: null, tls_versions: null,
    alpn_protocols: ['h2', 'http/1.1'], ...overrides,
  };
}

export function member(pool_id: string, overrides: Partial<Member> = {}): Member {
  return {
    ...base(), tags: [], name: 'member', pool_id, admin_state_up: true, address: '127.0.0.20', protocol_port: 8080,
    weight: 1, backup: false, subnet_id: null, monitor_address: null, monitor_port: null, ...overrides,
  };
}

export function healthMonitor(pool_id: string, overrides: Partial<HealthMonitor> = {}): HealthMonitor {
  return {
    ...base(), tags: [], name: 'hm', pool_id, pools: [{ id: pool_id }], admin_state_up: true, type: 'HTTP', delay: 5,
    timeout: 3, max_retries: 3, max_retries_down: 3, http_method: 'GET', url_path: '/health', expected_codes: '200-299',
    http_version: 1.1, domain_name: null, ...overrides,
  };
}

export function l7Policy(listener_id: string, overrides: Partial<L7Policy> = {}): L7Policy {
  return {
    ...base(), tags: [], name: 'policy', description: '', listener_id, admin_state_up: true, action: 'FIXED_RESPONSE',
    position: 1, redirect_pool_id: null, redirect_url: null, redirect_prefix: null, redirect_http_code: null, redirect_listener_id: null,
    fixed_response_config: { status_code: '503', content_type: 'text/plain', message_body: 'maintenance\n"quoted" ünïcode' }, rules: [],
    ...overrides,
  };
}

export function l7Rule(l7policy_id: string, overrides: Partial<L7Rule> = {}): L7Rule {
  return {
    ...base(), tags: [], l7policy_id, admin_state_up: true, type: 'PATH', compare_type: 'STARTS_WITH', key: null,
    value: '/api', invert: false, ...overrides,
  };
}

export function certificate(overrides: Partial<StoredCertificate> = {}): StoredCertificate {
  return {
    ...base(), name: 'cert', description: '', type: 'server', certificate: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
    subject: 'CN=example.com', subject_alt_names: ['example.com', '*.example.com'], not_before: '2026-01-01T00:00:00.000Z',
    expires_at: '2027-01-01T00:00:00.000Z', fingerprint: 'AB:CD', private_key: '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n',
    ...overrides,
  };
}

export function ipGroup(overrides: Partial<IpGroup> = {}): IpGroup {
  return {
    ...base(), tags: [], name: 'office', description: '', ip_list: [{ ip: '192.0.2.0/24', description: 'office' }], listeners: [],
    ...overrides,
  };
}

export function quota(project: string, overrides: Partial<Quota> = {}): Quota {
  return { ...base(), id: project, loadbalancer: 5, listener: null, pool: null, member: 100, healthmonitor: null, l7policy: null, l7rule: -1, ...overrides };
}

export function flavorProfile(overrides: Partial<FlavorProfile> = {}): FlavorProfile {
  return { ...base(), name: 'small', provider_name: 'elbow', flavor_data: '{"connection_limit": 1000}', ...overrides };
}

export function flavor(flavor_profile_id: string, overrides: Partial<Flavor> = {}): Flavor {
  return { ...base(), name: 'small', description: '', enabled: true, flavor_profile_id, ...overrides };
}

export function zoneProfile(overrides: Partial<AvailabilityZoneProfile> = {}): AvailabilityZoneProfile {
  return { ...base(), name: 'rack-a', provider_name: 'elbow', availability_zone_data: '{"vip_range": "127.0.5.1-127.0.5.9"}', ...overrides };
}

export function zone(availability_zone_profile_id: string, overrides: Partial<AvailabilityZone> = {}): AvailabilityZone {
  return { ...base(), id: 'zone-a', name: 'zone-a', description: '', enabled: true, availability_zone_profile_id, ...overrides };
}

/** One resource of every kind, linked to each other, in an order that satisfies references. */
export function oneOfEach(): { [K in ResourceKind]: ResourceByKind[K] } {
  const lb = loadBalancer();
  const l = listener(lb.id);
  const p = pool(lb.id);
  const policy = l7Policy(l.id);
  const fp = flavorProfile();
  const zp = zoneProfile();
  return {
    loadbalancer: lb, listener: l, pool: p, member: member(p.id), healthmonitor: healthMonitor(p.id), l7policy: policy,
    l7rule: l7Rule(policy.id), certificate: certificate(), ipgroup: ipGroup(),
    quota: quota(PROJECT), flavorprofile: fp, flavor: flavor(fp.id), availabilityzoneprofile: zp, availabilityzone: zone(zp.id),
  };
}
