// A small but complete store: one load balancer with a TCP listener (ip group, allowed cidrs), an
// HTTPS listener with certificates and policies, a disabled listener, pools with members and a
// health monitor, and resources snapshots must leave out (a disabled policy, an unused pool).

import type { StoreContents } from '../../../src/store/store.js';
import type { ResourceBase } from '../../../src/model/types.js';
import { LISTENER_DEFAULTS, POOL_DEFAULTS } from '../../../src/model/defaults.js';

const base = (id: string): ResourceBase & { tags: string[] } => ({
  id,
  project_id: 'project',
  created_at: '2026-01-01T00:00:00Z',
  updated_at: null,
  tags: [],
});

// The model's create defaults plus the relationship fields a stored resource carries.
const listenerDefaults = { ...LISTENER_DEFAULTS, loadbalancers: [{ id: 'lb1' }], l7policies: [] };

const poolDefaults = { ...POOL_DEFAULTS, loadbalancer_id: 'lb1', loadbalancers: [{ id: 'lb1' }], listeners: [], members: [] };

const memberDefaults = { admin_state_up: true, weight: 1, backup: false, subnet_id: null, monitor_address: null, monitor_port: null };

const certificateDefaults = { description: '', not_before: '2026-01-01T00:00:00Z', expires_at: '2027-01-01T00:00:00Z', fingerprint: 'ab' };

export function storeFixture(): StoreContents {
  return {
    revision: 7,
    resources: {
      loadbalancer: [
        {
          ...base('lb1'),
          name: 'web',
          description: '',
          admin_state_up: true,
          type: 'classic',
          vip_address: '127.0.1.5',
          vip_port_id: null,
          vip_subnet_id: null,
          vip_network_id: null,
          vip_qos_policy_id: null,
          provider: 'elbow',
          flavor_id: null,
          availability_zone: null,
          listeners: [],
          pools: [],
        },
      ],
      listener: [
        {
          ...base('tcp1'),
          ...listenerDefaults,
          name: 'tcp',
          loadbalancer_id: 'lb1',
          protocol: 'TCP',
          protocol_port: 5000,
          default_pool_id: 'pool-tcp',
          allowed_cidrs: ['10.0.0.0/8'],
          ipgroup: { ipgroup_id: 'ipg1', enable_ipgroup: true, type: 'black' },
        },
        {
          ...base('https1'),
          ...listenerDefaults,
          name: 'https',
          loadbalancer_id: 'lb1',
          protocol: 'TERMINATED_HTTPS',
          protocol_port: 443,
          default_pool_id: 'pool-http',
          default_tls_container_ref: 'http://127.0.0.1:9876/v2/lbaas/certificates/cert-server',
          sni_container_refs: ['cert-sni'],
          client_ca_tls_container_ref: 'cert-ca',
          client_authentication: 'OPTIONAL',
        },
        { ...base('http1'), ...listenerDefaults, name: 'http', loadbalancer_id: 'lb1', protocol: 'HTTP', protocol_port: 80, default_pool_id: 'pool-http' },
        { ...base('off1'), ...listenerDefaults, name: 'off', admin_state_up: false, loadbalancer_id: 'lb1', protocol: 'UDP', protocol_port: 53, default_pool_id: null },
      ],
      pool: [
        { ...base('pool-tcp'), ...poolDefaults, name: 'tcp', protocol: 'PROXYV2', lb_algorithm: 'SOURCE_IP', healthmonitor_id: 'hm1', session_persistence: { type: 'SOURCE_IP', cookie_name: null, persistence_timeout: null, persistence_granularity: null } },
        { ...base('pool-http'), ...poolDefaults, name: 'http', protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' },
        { ...base('pool-redirect'), ...poolDefaults, name: 'redirect', protocol: 'HTTP', lb_algorithm: 'LEAST_CONNECTIONS', admin_state_up: false },
        { ...base('pool-unused'), ...poolDefaults, name: 'unused', protocol: 'TCP', lb_algorithm: 'ROUND_ROBIN' },
      ],
      member: [
        { ...base('m1'), ...memberDefaults, name: 'one', pool_id: 'pool-tcp', address: '192.0.2.10', protocol_port: 5000, weight: 3 },
        { ...base('m2'), ...memberDefaults, name: 'two', pool_id: 'pool-tcp', address: '2001:db8::2', protocol_port: 5001, admin_state_up: false, monitor_address: '2001:db8::99', monitor_port: 9000, backup: true },
        { ...base('m3'), ...memberDefaults, name: 'three', pool_id: 'pool-http', address: '192.0.2.20', protocol_port: 80 },
      ],
      healthmonitor: [
        {
          ...base('hm1'),
          name: 'hm',
          pool_id: 'pool-tcp',
          pools: [{ id: 'pool-tcp' }],
          admin_state_up: true,
          type: 'HTTP',
          delay: 5,
          timeout: 3,
          max_retries: 2,
          max_retries_down: 4,
          http_method: 'HEAD',
          url_path: '/health',
          expected_codes: '200-204',
          http_version: 1.1,
          domain_name: 'health.example.com',
        },
      ],
      l7policy: [
        { ...base('pol-b'), name: '', description: '', listener_id: 'https1', admin_state_up: true, action: 'REDIRECT_TO_POOL', position: 2, redirect_pool_id: 'pool-redirect', redirect_url: null, redirect_prefix: null, redirect_http_code: null, redirect_listener_id: null, fixed_response_config: null, rules: [] },
        { ...base('pol-a'), name: '', description: '', listener_id: 'https1', admin_state_up: true, action: 'REJECT', position: 1, redirect_pool_id: null, redirect_url: null, redirect_prefix: null, redirect_http_code: null, redirect_listener_id: null, fixed_response_config: null, rules: [] },
        { ...base('pol-off'), name: '', description: '', listener_id: 'https1', admin_state_up: false, action: 'REJECT', position: 3, redirect_pool_id: null, redirect_url: null, redirect_prefix: null, redirect_http_code: null, redirect_listener_id: null, fixed_response_config: null, rules: [] },
        { ...base('pol-up'), name: '', description: '', listener_id: 'http1', admin_state_up: true, action: 'REDIRECT_TO_LISTENER', position: 1, redirect_pool_id: null, redirect_url: null, redirect_prefix: null, redirect_http_code: 301, redirect_listener_id: 'https1', fixed_response_config: null, rules: [] },
      ],
      l7rule: [
        { ...base('rule-1'), l7policy_id: 'pol-b', admin_state_up: true, type: 'PATH', compare_type: 'STARTS_WITH', key: null, value: '/api', invert: false },
        { ...base('rule-off'), l7policy_id: 'pol-b', admin_state_up: false, type: 'HOST_NAME', compare_type: 'EQUAL_TO', key: null, value: 'x', invert: false },
      ],
      certificate: [
        { ...base('cert-server'), ...certificateDefaults, name: 'server', type: 'server', certificate: 'SERVER PEM', private_key: 'SERVER KEY', subject: 'C=US, O=Example, CN=www.example.com', subject_alt_names: ['www.example.com', 'example.com'] },
        { ...base('cert-sni'), ...certificateDefaults, name: 'sni', type: 'server', certificate: 'SNI PEM', private_key: 'SNI KEY', subject: 'CN=*.example.org', subject_alt_names: [] },
        { ...base('cert-ca'), ...certificateDefaults, name: 'ca', type: 'client', certificate: 'CA PEM', private_key: null, subject: 'CN=Example CA', subject_alt_names: [] },
      ],
      ipgroup: [{ ...base('ipg1'), name: 'blocked', description: '', ip_list: [{ ip: '10.1.0.0/16', description: '' }, { ip: '10.2.3.4', description: '' }], listeners: [] }],
      quota: [],
      flavorprofile: [],
      flavor: [],
      availabilityzoneprofile: [],
      availabilityzone: [],
    },
  };
}
