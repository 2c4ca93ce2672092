// One handler per resource kind; `satisfies` fails to compile until every kind has one.

import type { ResourceKind } from '../../model/types.js';
import { availabilityzoneHandler, availabilityzoneprofileHandler } from './availability-zones.js';
import { certificateHandler } from './certificates.js';
import { flavorHandler, flavorprofileHandler } from './flavors.js';
import type { KindHandler } from './handler.js';
import { healthmonitorHandler } from './health-monitors.js';
import { ipgroupHandler } from './ipgroups.js';
import { l7policyHandler } from './l7-policies.js';
import { l7ruleHandler } from './l7-rules.js';
import { listenerHandler } from './listeners.js';
import { loadbalancerHandler } from './loadbalancers.js';
import { memberHandler } from './members.js';
import { poolHandler } from './pools.js';
import { quotaHandler } from './quotas.js';

export const HANDLERS = {
  loadbalancer: loadbalancerHandler,
  listener: listenerHandler,
  pool: poolHandler,
  member: memberHandler,
  healthmonitor: healthmonitorHandler,
  l7policy: l7policyHandler,
  l7rule: l7ruleHandler,
  certificate: certificateHandler,
  ipgroup: ipgroupHandler,
  quota: quotaHandler,
  flavorprofile: flavorprofileHandler,
  flavor: flavorHandler,
  availabilityzoneprofile: availabilityzoneprofileHandler,
  availabilityzone: availabilityzoneHandler,
} satisfies { [K in ResourceKind]: KindHandler<K> };
