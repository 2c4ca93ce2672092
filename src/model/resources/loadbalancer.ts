// Load balancers: a VIP address and its listeners. Octavia v2's fields; `type` is Huawei ELB's.

import { Type } from '@sinclair/typebox';
import { LABEL, Ref, adminStateUpField, defineResource, descriptionField, nameField, nestingRelation, tagsField } from './field.js';
import { Enum } from './field.js';

/** elbow has no networks: these Octavia ids are labels stored as given. */
const NO_NETWORKS = 'elbow has no networks: a label stored as given';

export const LOADBALANCER = defineResource({
  kind: 'loadbalancer',
  title: 'load balancer',
  collectionPath: 'loadbalancers',
  singular: 'loadbalancer',
  plural: 'loadbalancers',
  hasStatus: true,
  snapshotPart: 'listeners[]',
  cli: { description: 'load balancers: a VIP address and its listeners', alias: 'lb', columns: ['name', 'vip_address', 'type'] },
  fields: {
    name: { ...nameField, ignored: LABEL },
    description: descriptionField,
    admin_state_up: { ...adminStateUpField, snapshot: { path: 'enabled', via: 'a load balancer that is down disables all its listeners' } },
    vip_qos_policy_id: { schema: Ref, default: null, doc: 'QoS policy id of the VIP', ignored: 'no QoS policies: a label stored as given' },
    tags: tagsField,
    vip_address: {
      schema: Type.String({ maxLength: 64 }),
      update: 'fixed',
      defaultDoc: "allocated from elbow's VIP range (127.0.1.1 upward unless configured)",
      doc: 'The address its listeners bind: an address of this host (IPv4 or IPv6)',
      example: '127.0.1.10',
      snapshot: { path: 'address', via: 'every listener of the load balancer binds it' },
    },
    vip_port_id: { schema: Ref, default: null, update: 'fixed', doc: 'Port id of the VIP', ignored: NO_NETWORKS },
    vip_subnet_id: { schema: Ref, default: null, update: 'fixed', doc: 'Subnet id of the VIP', ignored: NO_NETWORKS },
    vip_network_id: { schema: Ref, default: null, update: 'fixed', doc: 'Network id of the VIP', ignored: NO_NETWORKS },
    provider: {
      schema: Type.String({ maxLength: 64 }),
      default: 'elbow',
      update: 'fixed',
      doc: 'Provider: elbow, or its aliases octavia and amphora (GET /v2/lbaas/providers); any other is a 400',
      ignored: 'elbow is the only provider: checked, stored as given',
    },
    flavor_id: {
      schema: Ref,
      default: null,
      update: 'fixed',
      ref: 'flavor',
      doc: "Flavor: its profile's flavor_data gives the defaults of this load balancer's listeners (an unknown or disabled flavor is a 400)",
      snapshot: { path: 'connectionLimit', via: "the flavor profile's flavor_data fills the listener fields left at elbow's default (connection_limit, timeouts, tls_ciphers, tls_versions)" },
    },
    availability_zone: {
      schema: Ref,
      default: null,
      ref: 'availabilityzone',
      doc:
        "Availability zone (its name; an unknown or disabled zone is a 400): the elbow nodes started with that --availability-zone (or none) serve it, null: every node does; " +
        "its VIP is allocated from the zone profile's vip_range when it has one. elbow extension: it may change, and the load balancer moves live (its VIP stays)",
      // Applied by placement (snapshot/placement.ts): each node's snapshot holds only what it serves.
      snapshot: { path: 'availabilityZone', via: "the load balancer's zone on each of its listeners, which places them on the nodes of the zone" },
    },
    type: {
      schema: Enum(['standard', 'classic'] as const),
      default: 'standard',
      update: 'fixed',
      doc: 'Huawei ELB extension: only `classic` load balancers take SSL listeners',
      ignored: 'a control-plane rule: only classic load balancers take SSL listeners',
    },
    listeners: nestingRelation(
      'Its listeners. At create: listeners to create with it, each with its default_pool and l7policies (Octavia\'s single-call create, all or nothing)',
      'listener',
    ),
    pools: nestingRelation(
      'Its pools. At create: pools to create with it, with their members and healthmonitor; listeners and policies refer to them by name ({"name": …} as default_pool or redirect_pool)',
      'pool',
    ),
  },
});
