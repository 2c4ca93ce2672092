"""Drives a running elbow through openstacksdk's load_balancer proxy, as Terraform, the SDK's own
functional tests and cloud-provider-openstack do: every resource through create, find, get, list,
update and delete, the endpoints Octavia has beyond CRUD, and a teardown in Terraform's order
(pool before listener before load balancer, no cascade).

Run by test/e2e/openstacksdk.test.ts with Debian's python3-openstacksdk:
    ELBOW_URL=http://127.0.0.1:9876 ELBOW_TOKEN=… ELBOW_PORTS=20001,20002 /usr/bin/python3 drive_elbow.py
Prints one JSON line with what it checked; any failed check raises (exit status 1).
"""

import json
import os
import sys

import openstack
from openstack import exceptions

URL = os.environ["ELBOW_URL"]
TOKEN = os.environ["ELBOW_TOKEN"]
PORTS = [int(port) for port in os.environ["ELBOW_PORTS"].split(",")]
PROJECT = os.environ.get("ELBOW_PROJECT", "sdk-project")

checked = []


def check(what, condition, detail=""):
    if not condition:
        raise AssertionError(f"{what}: {detail}")
    checked.append(what)


def expect_error(what, status, call, *args, **kwargs):
    """The call fails with this HTTP status (and the SDK exception class it maps to)."""
    try:
        call(*args, **kwargs)
    except exceptions.HttpException as error:
        check(what, error.status_code == status, f"status {error.status_code}: {error}")
        return error
    raise AssertionError(f"{what}: expected HTTP {status}, the call succeeded")


conn = openstack.connect(auth_type="admin_token", auth={"token": TOKEN, "endpoint": URL}, region_name="RegionOne")
lbaas = conn.load_balancer


def named(listing, name):
    return [item.name for item in listing if item.name == name]


# ---- providers ---------------------------------------------------------------------------------
providers = [p.name for p in lbaas.providers()]
check("providers list elbow and octavia", {"elbow", "octavia"} <= set(providers), providers)
capabilities = [c.name for c in lbaas.provider_flavor_capabilities("octavia")]
check("flavor capabilities name listener defaults", "connection_limit" in capabilities and "tls_versions" in capabilities, capabilities)
zone_caps = lbaas.get("/lbaas/providers/elbow/availability_zone_capabilities").json()["availability_zone_capabilities"]
check("availability zone capabilities", [c["name"] for c in zone_caps] == ["vip_range"], zone_caps)

# ---- flavor profile, flavor --------------------------------------------------------------------
profile = lbaas.create_flavor_profile(name="sdk-fp", provider_name="elbow", flavor_data='{"connection_limit": 500, "timeout_client_data": 20000}')
check("flavor profile create", profile.id and profile.provider_name == "elbow")
check("flavor profile find", lbaas.find_flavor_profile("sdk-fp").id == profile.id)
check("flavor profile get", lbaas.get_flavor_profile(profile.id).flavor_data == profile.flavor_data)
check("flavor profile list", any(p.id == profile.id for p in lbaas.flavor_profiles()))
check("flavor profile update", lbaas.update_flavor_profile(profile, name="sdk-fp-2").name == "sdk-fp-2")
expect_error("flavor profile with a key elbow does not honour is a 400", 400, lbaas.create_flavor_profile, name="bad", provider_name="elbow", flavor_data='{"compute_flavor": "x"}')

flavor = lbaas.create_flavor(name="sdk-flavor", flavor_profile_id=profile.id, description="small", is_enabled=True)
check("flavor create", flavor.is_enabled is True and flavor.flavor_profile_id == profile.id)
check("flavor find", lbaas.find_flavor("sdk-flavor").id == flavor.id)
check("flavor get", lbaas.get_flavor(flavor.id).description == "small")
check("flavor list", any(f.id == flavor.id for f in lbaas.flavors()))
check("flavor update", lbaas.update_flavor(flavor, description="smaller").description == "smaller")
expect_error("a flavor's profile cannot change its data while in use", 409, lbaas.update_flavor_profile, profile, flavor_data="{}")

# ---- availability zone profile, availability zone ----------------------------------------------
zone_profile = lbaas.create_availability_zone_profile(name="sdk-azp", provider_name="octavia", availability_zone_data='{"vip_range": "127.0.1.210-127.0.1.219"}')
check("availability zone profile create", zone_profile.id is not None)
check("availability zone profile find", lbaas.find_availability_zone_profile("sdk-azp").id == zone_profile.id)
check("availability zone profile get", lbaas.get_availability_zone_profile(zone_profile.id).availability_zone_data == zone_profile.availability_zone_data)
check("availability zone profile list", any(p.id == zone_profile.id for p in lbaas.availability_zone_profiles()))
check("availability zone profile update", lbaas.update_availability_zone_profile(zone_profile, name="sdk-azp-2").name == "sdk-azp-2")
zone = lbaas.create_availability_zone(name="sdk-zone", availability_zone_profile_id=zone_profile.id, description="rack")
check("availability zone create", zone.name == "sdk-zone")
check("availability zone find", lbaas.find_availability_zone("sdk-zone").name == "sdk-zone")
check("availability zone get", lbaas.get_availability_zone("sdk-zone").description == "rack")
check("availability zone list", any(z.name == "sdk-zone" for z in lbaas.availability_zones()))
check("availability zone update", lbaas.update_availability_zone("sdk-zone", description="rack 2").description == "rack 2")

# ---- quotas ------------------------------------------------------------------------------------
defaults = lbaas.get_quota_default()
check("quota defaults are unlimited", defaults.load_balancers == -1 and defaults.members == -1, defaults)
quota = lbaas.update_quota(PROJECT, load_balancers=1, listeners=5)
check("quota set", quota.load_balancers == 1 and quota.listeners == 5, quota)
check("quota get", lbaas.get_quota(PROJECT).load_balancers == 1)
check("quota list", any(q.project_id == PROJECT for q in lbaas.quotas()))

# ---- a load balancer, with its flavor and zone, in a project with a quota of one ---------------
lb = lbaas.create_load_balancer(name="sdk-lb", vip_subnet_id="sdk-subnet", project_id=PROJECT, flavor_id=flavor.id, availability_zone="sdk-zone", provider="octavia", tags=["sdk"])
check("load balancer create", lb.provisioning_status == "ACTIVE" and lb.project_id == PROJECT and lb.provider == "octavia")
check("load balancer VIP from the zone's range", lb.vip_address.startswith("127.0.1.21"), lb.vip_address)
expect_error("a second load balancer is beyond the project's quota (403)", 403, lbaas.create_load_balancer, name="sdk-over", vip_subnet_id="s", project_id=PROJECT)
check("load balancer wait (already ACTIVE)", lbaas.wait_for_load_balancer(lb.id, wait=30).id == lb.id)
check("load balancer find", lbaas.find_load_balancer("sdk-lb").id == lb.id)
check("load balancer get", lbaas.get_load_balancer(lb.id).flavor_id == flavor.id)
check("load balancer list", named(lbaas.load_balancers(project_id=PROJECT), "sdk-lb") == ["sdk-lb"])
check("load balancer update", lbaas.update_load_balancer(lb, description="managed by sdk").description == "managed by sdk")
check("load balancer statistics", lbaas.get_load_balancer_statistics(lb.id).total_connections == 0)
statuses = lbaas.get(f"/lbaas/loadbalancers/{lb.id}/statuses").json()
check("load balancer statuses (alias of status)", statuses["statuses"]["loadbalancer"]["id"] == lb.id, statuses)

# ---- listener, pool, members, health monitor, l7 policy and rules -----------------------------
listener = lbaas.create_listener(name="sdk-listener", load_balancer_id=lb.id, protocol="HTTP", protocol_port=PORTS[0])
check("listener create", listener.provisioning_status == "ACTIVE")
check("listener find", lbaas.find_listener("sdk-listener").id == listener.id)
check("listener get", lbaas.get_listener(listener.id).protocol_port == PORTS[0])
check("listener list", [l.id for l in lbaas.listeners(load_balancer_id=lb.id)] == [listener.id])
check("listener update", lbaas.update_listener(listener, connection_limit=100).connection_limit == 100)
check("listener statistics", lbaas.get_listener_statistics(listener.id).bytes_in == 0)

pool = lbaas.create_pool(name="sdk-pool", listener_id=listener.id, protocol="HTTP", lb_algorithm="ROUND_ROBIN")
check("pool create (the listener's default pool)", lbaas.get_listener(listener.id).default_pool_id == pool.id)
check("pool find", lbaas.find_pool("sdk-pool").id == pool.id)
check("pool get", lbaas.get_pool(pool.id).lb_algorithm == "ROUND_ROBIN")
check("pool list", any(p.id == pool.id for p in lbaas.pools()))
check("pool update", lbaas.update_pool(pool, lb_algorithm="LEAST_CONNECTIONS").lb_algorithm == "LEAST_CONNECTIONS")
expect_error("cookie_name with HTTP_COOKIE is a 400", 400, lbaas.update_pool, pool, session_persistence={"type": "HTTP_COOKIE", "cookie_name": "x"})

member = lbaas.create_member(pool, name="sdk-member", address="127.0.0.1", protocol_port=9001, weight=2)
check("member create (on a default pool)", member.weight == 2)
check("member find", lbaas.find_member("sdk-member", pool).id == member.id)
check("member get", lbaas.get_member(member, pool).address == "127.0.0.1")
check("member list", [m.id for m in lbaas.members(pool)] == [member.id])
check("member update", lbaas.update_member(member, pool, weight=3).weight == 3)
# cloud-provider-openstack's batch update: the pool becomes the list.
batch = lbaas.put(f"/lbaas/pools/{pool.id}/members", json={"members": [{"address": "127.0.0.1", "protocol_port": 9001, "name": "sdk-member"}, {"address": "127.0.0.2", "protocol_port": 9002}]})
check("member batch update answers 202", batch.status_code == 202, batch.status_code)
check("member batch update", sorted(m.protocol_port for m in lbaas.members(pool)) == [9001, 9002])
extra = [m for m in lbaas.members(pool) if m.protocol_port == 9002][0]
lbaas.delete_member(extra, pool, ignore_missing=False)
check("member delete", [m.protocol_port for m in lbaas.members(pool)] == [9001])

monitor = lbaas.create_health_monitor(name="sdk-hm", pool_id=pool.id, type="HTTP", delay=5, timeout=3, max_retries=2, expected_codes="200, 204")
check("health monitor create (expected_codes with spaces)", monitor.expected_codes == "200, 204")
check("health monitor find", lbaas.find_health_monitor("sdk-hm").id == monitor.id)
check("health monitor get", lbaas.get_health_monitor(monitor.id).delay == 5)
check("health monitor list", [h.id for h in lbaas.health_monitors(pool_id=pool.id)] == [monitor.id])
check("health monitor update", lbaas.update_health_monitor(monitor, delay=7).delay == 7)

redirect_pool = lbaas.create_pool(name="sdk-redirect", loadbalancer_id=lb.id, protocol="HTTP", lb_algorithm="ROUND_ROBIN")
policy = lbaas.create_l7_policy(name="sdk-policy", listener_id=listener.id, action="REDIRECT_TO_POOL", redirect_pool_id=redirect_pool.id)
check("l7 policy create", policy.position == 1)
check("l7 policy find", lbaas.find_l7_policy("sdk-policy").id == policy.id)
check("l7 policy get", lbaas.get_l7_policy(policy.id).redirect_pool_id == redirect_pool.id)
check("l7 policy list", [p.id for p in lbaas.l7_policies(listener_id=listener.id)] == [policy.id])
check("l7 policy update", lbaas.update_l7_policy(policy, name="sdk-policy-2").name == "sdk-policy-2")
rule = lbaas.create_l7_rule(policy, type="PATH", compare_type="STARTS_WITH", rule_value="/api")
check("l7 rule create", rule.rule_value == "/api")
check("l7 rule find", lbaas.find_l7_rule(rule.id, policy).id == rule.id)
check("l7 rule get", lbaas.get_l7_rule(rule, policy).compare_type == "STARTS_WITH")
check("l7 rule list", [r.id for r in lbaas.l7_rules(policy)] == [rule.id])
check("l7 rule update", lbaas.update_l7_rule(rule, policy, rule_value="/v2").rule_value == "/v2")
expect_error("a pool a policy redirects to is not deleted (409)", 409, lbaas.delete_pool, redirect_pool, ignore_missing=False)
lbaas.delete_l7_rule(rule, policy, ignore_missing=False)
check("l7 rule delete", list(lbaas.l7_rules(policy)) == [])
lbaas.delete_l7_policy(policy, ignore_missing=False)
check("l7 policy delete", lbaas.find_l7_policy(policy.id) is None)

# ---- sorting, as Octavia --------------------------------------------------------------------------
names = [p["name"] for p in lbaas.get("/lbaas/pools?sort=name:desc").json()["pools"]]
check("lists sort", names == sorted(names, reverse=True), names)
bad_sort = lbaas.get("/lbaas/pools?sort=colour")
check("an unknown sort key is a 400", bad_sort.status_code == 400, bad_sort.status_code)

# ---- amphorae and failover ---------------------------------------------------------------------
amphorae = list(lbaas.amphorae(loadbalancer_id=lb.id))
check("amphorae: one per node serving the load balancer", len(amphorae) == 1 and amphorae[0].ha_ip == lb.vip_address and amphorae[0].status == "ALLOCATED", amphorae)
amphora = amphorae[0]
check("amphora get", lbaas.get_amphora(amphora.id).loadbalancer_id == lb.id)
check("amphora find", lbaas.find_amphora(amphora.id).id == amphora.id)
lbaas.failover_amphora(amphora.id)
lbaas.configure_amphora(amphora.id)
check("amphora failover and configure", lbaas.get_amphora(amphora.id).status == "ALLOCATED")
lbaas.failover_load_balancer(lb.id)
check("load balancer failover", lbaas.get_load_balancer(lb.id).provisioning_status == "ACTIVE")

# ---- deleting: in use, children, then Terraform's order --------------------------------------------
refused = expect_error("a load balancer with children is a 400", 400, lbaas.delete_load_balancer, lb, ignore_missing=False)
check("...which the SDK raises as BadRequestException (not ConflictException)", isinstance(refused, exceptions.BadRequestException), type(refused))
expect_error("a flavor in use is not deleted", 409, lbaas.delete_flavor, flavor, ignore_missing=False)
lbaas.delete_health_monitor(monitor, ignore_missing=False)
check("health monitor delete", lbaas.find_health_monitor(monitor.id) is None)
lbaas.delete_pool(redirect_pool, ignore_missing=False)
# Terraform destroys openstack_lb_pool_v2 before openstack_lb_listener_v2: the default pool goes first.
lbaas.delete_pool(pool, ignore_missing=False)
check("pool delete (a listener's default pool)", lbaas.find_pool(pool.id) is None and lbaas.get_listener(listener.id).default_pool_id is None)
lbaas.delete_listener(listener, ignore_missing=False)
check("listener delete", lbaas.find_listener(listener.id) is None)
lbaas.delete_load_balancer(lb, ignore_missing=False)
check("load balancer delete (no children left, no cascade)", lbaas.find_load_balancer(lb.id) is None)

# ---- single-call create, then cascade --------------------------------------------------------------
graph = lbaas.create_load_balancer(
    name="sdk-graph",
    vip_subnet_id="sdk-subnet",
    listeners=[{"name": "g-http", "protocol": "HTTP", "protocol_port": PORTS[1], "default_pool": {"name": "g-pool"}}],
    pools=[{"name": "g-pool", "protocol": "HTTP", "lb_algorithm": "ROUND_ROBIN", "members": [{"address": "127.0.0.1", "protocol_port": 9003}], "healthmonitor": {"type": "TCP", "delay": 5, "timeout": 3, "max_retries": 2}}],
)
check("single-call create answers in full", graph.listeners[0]["name"] == "g-http" and graph.pools[0]["members"][0]["protocol_port"] == 9003, graph.listeners)
check("single-call create made the tree", lbaas.find_pool("g-pool").health_monitor_id is not None)
lbaas.delete_load_balancer(graph, ignore_missing=False, cascade=True)
check("load balancer delete with cascade", lbaas.find_load_balancer(graph.id) is None and lbaas.find_pool("g-pool") is None)

# ---- admin resources, last ------------------------------------------------------------------------
lbaas.delete_quota(PROJECT, ignore_missing=False)
check("quota delete resets to the defaults", lbaas.get_quota(PROJECT).load_balancers == -1)
lbaas.delete_flavor(flavor, ignore_missing=False)
check("flavor delete", lbaas.find_flavor(flavor.id) is None)
lbaas.delete_flavor_profile(profile, ignore_missing=False)
check("flavor profile delete", lbaas.find_flavor_profile(profile.id) is None)
lbaas.delete_availability_zone("sdk-zone", ignore_missing=False)
check("availability zone delete", lbaas.find_availability_zone("sdk-zone") is None)
lbaas.delete_availability_zone_profile(zone_profile, ignore_missing=False)
check("availability zone profile delete", lbaas.find_availability_zone_profile(zone_profile.id) is None)

print(json.dumps({"checked": len(checked), "checks": checked, "openstacksdk": openstack.version.__version__}))
sys.exit(0)
