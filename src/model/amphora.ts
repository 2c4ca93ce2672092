// Octavia's amphora, as elbow shows one: an elbow node serving a load balancer (one entry per node
// and load balancer). The fields are Octavia's; those about VMs and VRRP, which elbow has not, are
// null. Not a stored resource: the control plane derives them from its node directory.

import { Type } from '@sinclair/typebox';
import { Nullable } from './resources/field.js';

const text = (description: string) => Nullable(Type.String({ description }));
const none = (description: string) => Type.Null({ description: `${description} (elbow has none: null)` });

export const AMPHORA_VIEW = Type.Object(
  {
    id: Type.String({ description: 'Stable id of this node serving this load balancer' }),
    loadbalancer_id: Type.String({ description: 'The load balancer served' }),
    compute_id: Type.String({ description: "The elbow node's id" }),
    lb_network_ip: Type.String({ description: "The node's management address (its API address)" }),
    ha_ip: Type.String({ description: "The load balancer's VIP, which the node binds" }),
    ha_port_id: text("The load balancer's vip_port_id"),
    vrrp_ip: none('VRRP address'),
    vrrp_port_id: none('VRRP port'),
    vrrp_interface: none('VRRP interface'),
    vrrp_id: none('VRRP group'),
    vrrp_priority: none('VRRP priority'),
    cert_expiration: none('Agent certificate expiry'),
    cert_busy: Type.Boolean({ description: 'Always false' }),
    role: Type.Literal('STANDALONE', { description: 'Every node serves the whole load balancer' }),
    status: Type.Union([Type.Literal('ALLOCATED'), Type.Literal('ERROR')], {
      description: 'ALLOCATED while the node serves it; ERROR when the node is offline or one of its listeners could not be served there',
    }),
    cached_zone: text("The load balancer's availability zone, else the node's"),
    image_id: none('Image'),
    compute_flavor: none('Compute flavor'),
    created_at: Type.String({ description: "The load balancer's creation time" }),
    updated_at: text("The load balancer's last update"),
  },
  { additionalProperties: false },
);
