// Quotas (Octavia v2): per project, the most load balancers, listeners, pools, members, health
// monitors, l7 policies and l7 rules it may have. -1 is unlimited and the default; null resets a
// limit to the default. The id of a project's quota is the project id; a project without one has
// the defaults. Checked inside the create's transaction (control/quotas.ts): 403 beyond the limit.

import { Type } from '@sinclair/typebox';
import { Nullable, defineResource, type FieldSpec } from './field.js';

/** The largest limit Octavia takes. */
export const QUOTA_MAX = 2_000_000_000;
/** Unlimited, and every limit's default. */
export const QUOTA_UNLIMITED = -1;

const QUOTA_RULE = 'a control-plane rule: creating beyond the limit is refused (403)';
const Limit = Nullable(Type.Integer({ minimum: QUOTA_UNLIMITED, maximum: QUOTA_MAX }));

function limit(what: string) {
  return {
    schema: Limit,
    default: null,
    create: 'no',
    doc: `Most ${what} of the project (-1: unlimited, the default; null: back to the default)`,
    example: 10,
    ignored: QUOTA_RULE,
  } as const satisfies FieldSpec;
}

/** Octavia's older spellings, still accepted and shown. */
function alias(of: string) {
  return {
    schema: Limit,
    create: 'no',
    stored: false,
    // Shown, derived from the field it spells (control/views.ts).
    optional: true,
    doc: `The same as ${of} (Octavia's older spelling)`,
    example: 10,
    ignored: `an alias of ${of}`,
  } as const satisfies FieldSpec;
}

export const QUOTA = defineResource({
  kind: 'quota',
  title: 'quota',
  collectionPath: 'quotas',
  singular: 'quota',
  plural: 'quotas',
  hasStatus: false,
  snapshotPart: '',
  operations: ['list', 'show', 'update', 'delete'],
  cli: { description: 'quotas: per-project limits (update sets them, delete resets them)', columns: ['loadbalancer', 'listener', 'pool', 'member', 'healthmonitor', 'l7policy', 'l7rule'] },
  fields: {
    loadbalancer: limit('load balancers'),
    load_balancer: alias('loadbalancer'),
    listener: limit('listeners'),
    pool: limit('pools'),
    member: limit('members'),
    healthmonitor: limit('health monitors'),
    health_monitor: alias('healthmonitor'),
    l7policy: limit('l7 policies'),
    l7rule: limit('l7 rules'),
  },
});
