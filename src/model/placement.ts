// Placement: which elbow nodes serve a load balancer. One with an availability_zone is served by
// the nodes of that zone; one without, by every node. A node started without a zone is not bound
// to one: it serves every load balancer (one node alone, or a node meant to back all zones).

export function servesLoadBalancer(nodeZone: string | null, loadBalancerZone: string | null): boolean {
  return nodeZone === null || loadBalancerZone === null || loadBalancerZone === nodeZone;
}
