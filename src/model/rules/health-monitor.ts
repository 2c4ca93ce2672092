// Health monitor rules: the type must suit the pool protocol, the timing must make sense, HTTP
// settings belong to HTTP(S) monitors, and a pool has at most one monitor.

import { ElbowError } from '../../errors.js';
import { HTTP_HEALTH_MONITOR_TYPES, POOL_HEALTH_MONITOR_TYPES } from '../protocols.js';
import type { HealthMonitor, HealthMonitorType, Pool, PoolProtocol } from '../types.js';

export function checkHealthMonitorType(type: HealthMonitorType, poolProtocol: PoolProtocol): void {
  const allowed: readonly HealthMonitorType[] = POOL_HEALTH_MONITOR_TYPES[poolProtocol];
  if (!allowed.includes(type)) throw new ElbowError('HEALTH_MONITOR_TYPE', { type, protocol: poolProtocol, allowed: allowed.join(', ') });
}

/**
 * Octavia's API reference: timeout "must be less than the delay value". elbow accepts equal
 * values too (a probe that may take the whole interval), never a timeout longer than the delay.
 */
export function checkHealthMonitorTiming(monitor: Pick<HealthMonitor, 'delay' | 'timeout'>): void {
  if (monitor.timeout > monitor.delay) {
    throw new ElbowError('HEALTH_MONITOR_TIMING', { detail: `timeout (${monitor.timeout}) must not exceed delay (${monitor.delay})` });
  }
}

/** Octavia: http_method, url_path and expected_codes only on HTTP/HTTPS monitors; domain_name needs HTTP/1.1. */
export function checkHealthMonitorHttpFields(
  monitor: Pick<HealthMonitor, 'type' | 'http_method' | 'url_path' | 'expected_codes' | 'http_version' | 'domain_name'>,
): void {
  if (!HTTP_HEALTH_MONITOR_TYPES[monitor.type]) {
    for (const field of ['http_method', 'url_path', 'expected_codes', 'http_version', 'domain_name'] as const) {
      if (monitor[field] !== null) throw new ElbowError('INVALID_BODY', { field, detail: `applies only to HTTP and HTTPS health monitors, not ${monitor.type}` });
    }
    return;
  }
  if (monitor.domain_name !== null && monitor.http_version !== 1.1) {
    throw new ElbowError('INVALID_BODY', { field: 'http_version', detail: 'must be 1.1 when domain_name is set' });
  }
  const codes = monitor.expected_codes;
  if (codes !== null) {
    for (const code of codes.split(/[,-]/).map(Number)) {
      if (code < 100 || code > 599) throw new ElbowError('INVALID_BODY', { field: 'expected_codes', detail: `${code} is not an HTTP status code` });
    }
    const range = /^(\d+)-(\d+)$/.exec(codes);
    if (range && Number(range[1]) > Number(range[2])) throw new ElbowError('INVALID_BODY', { field: 'expected_codes', detail: `range ${codes} is reversed` });
  }
}

/** HEALTH_MONITOR_EXISTS when the pool already has another monitor. */
export function checkSingleHealthMonitor(pool: Pick<Pool, 'id' | 'healthmonitor_id'>, monitorId?: string): void {
  if (pool.healthmonitor_id !== null && pool.healthmonitor_id !== monitorId) {
    throw new ElbowError('HEALTH_MONITOR_EXISTS', { pool_id: pool.id, id: pool.healthmonitor_id });
  }
}
