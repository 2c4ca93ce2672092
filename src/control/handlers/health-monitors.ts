// Health monitors: one per pool, of a type the pool protocol supports, with sane timing and
// HTTP settings only on HTTP(S) monitors. The pool records its monitor's id.

import { HEALTH_MONITOR_DEFAULTS, healthMonitorHttpDefaults } from '../../model/defaults.js';
import {
  checkHealthMonitorHttpFields,
  checkHealthMonitorTiming,
  checkHealthMonitorType,
  checkSingleHealthMonitor,
} from '../../model/rules/health-monitor.js';
import { checkImmutableFields } from '../../model/rules/immutable-fields.js';
import type { HealthMonitor, Pool } from '../../model/types.js';
import { meaningful, mustGet, newBase, nullToDefault, type KindHandler } from './handler.js';

function checkMonitor(monitor: HealthMonitor, pool: Pool): void {
  checkSingleHealthMonitor(pool, monitor.id);
  checkHealthMonitorType(monitor.type, pool.protocol);
  checkHealthMonitorTiming(monitor);
  checkHealthMonitorHttpFields(monitor);
}

export const healthmonitorHandler: KindHandler<'healthmonitor'> = {
  async create(tx, body, ctx) {
    const pool = await mustGet(tx, 'pool', body.pool_id);
    const given = meaningful('healthmonitor', body);
    const monitor: HealthMonitor = {
      ...newBase(ctx, pool.project_id),
      ...HEALTH_MONITOR_DEFAULTS,
      // HTTP defaults fill only what the client left out, so a TCP monitor with a url_path is still refused.
      ...healthMonitorHttpDefaults(body.type),
      ...given,
      type: body.type,
      pool_id: pool.id,
      delay: body.delay,
      timeout: body.timeout,
      max_retries: body.max_retries,
      pools: [{ id: pool.id }],
    };
    checkMonitor(monitor, pool);
    await tx.insert('healthmonitor', monitor);
    await tx.update('pool', { ...pool, healthmonitor_id: monitor.id, updated_at: ctx.now });
    return monitor;
  },

  async update(tx, current, body, ctx) {
    const changes = meaningful('healthmonitor', body);
    checkImmutableFields('healthmonitor', current, changes);
    const monitor = nullToDefault({ ...current, ...changes, updated_at: ctx.now } as HealthMonitor, {
      ...healthMonitorHttpDefaults(current.type),
      max_retries_down: HEALTH_MONITOR_DEFAULTS.max_retries_down,
    });
    checkMonitor(monitor, await mustGet(tx, 'pool', monitor.pool_id));
    await tx.update('healthmonitor', monitor);
    return monitor;
  },

  async remove(tx, current, ctx) {
    await tx.remove('healthmonitor', current.id);
    const pool = await tx.get('pool', current.pool_id);
    if (pool && pool.healthmonitor_id === current.id) await tx.update('pool', { ...pool, healthmonitor_id: null, updated_at: ctx.now });
  },
};
