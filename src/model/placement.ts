// Placement: which elbow nodes serve a load balancer. One with an availability_zone is served by
// the nodes of that zone; one without, by every node (a node without a zone serves only those).

export function servesLoadBalancer(nodeZone: string | null, loadBalancerZone: string | null): boolean {
  return loadBalancerZone === null || loadBalancerZone === nodeZone;
}
