// Small builders for control plane tests.

import type { ControlPlane, ResourceView } from '../../../src/control/control-plane.js';

export async function loadBalancer(control: ControlPlane, body: Record<string, unknown> = {}): Promise<ResourceView> {
  return control.create('loadbalancer', { vip_subnet_id: 'subnet', ...body });
}

export async function listener(control: ControlPlane, loadbalancer_id: string, protocol = 'HTTP', protocol_port = 80, body: Record<string, unknown> = {}): Promise<ResourceView> {
  return control.create('listener', { loadbalancer_id, protocol, protocol_port, ...body });
}

export async function pool(control: ControlPlane, owner: { loadbalancer_id?: string; listener_id?: string }, protocol = 'HTTP', body: Record<string, unknown> = {}): Promise<ResourceView> {
  return control.create('pool', { ...owner, protocol, lb_algorithm: 'ROUND_ROBIN', ...body });
}
