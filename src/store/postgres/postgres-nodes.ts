// The node registry on PostgreSQL: one row per node in "<schema>".node, stamped with the
// database's now(), so every node judges heartbeats by one clock.

import type pg from 'pg';
import { checkout } from './checkout.js';
import { asStoreError } from './unavailable.js';
import { isDown, NodeNameTaken, type NodeRecord, type NodeRegistry, type NodeReport, type ReportedHealth } from '../node-registry.js';

interface NodeRow {
  name: string;
  node_id: string;
  availability_zone: string | null;
  api_url: string | null;
  version: string;
  applied_revision: string | null;
  health: ReportedHealth;
  health_detail: string | null;
  heartbeat_interval_ms: number;
  details: Record<string, unknown>;
  started_at: Date;
  last_heartbeat: Date;
  age_ms: string;
}

const COLUMNS = 'name, node_id, availability_zone, api_url, version, applied_revision, health, health_detail, heartbeat_interval_ms, details';

function values(report: NodeReport): unknown[] {
  return [
    report.name,
    report.nodeId,
    report.availabilityZone,
    report.apiUrl,
    report.version,
    report.appliedRevision,
    report.health,
    report.healthDetail,
    Math.round(report.heartbeatIntervalMs),
    JSON.stringify(report.details),
  ];
}

function toRecord(row: NodeRow): NodeRecord {
  return {
    name: row.name,
    nodeId: row.node_id,
    availabilityZone: row.availability_zone,
    apiUrl: row.api_url,
    version: row.version,
    appliedRevision: row.applied_revision === null ? null : Number(row.applied_revision),
    health: row.health,
    healthDetail: row.health_detail,
    heartbeatIntervalMs: row.heartbeat_interval_ms,
    details: row.details,
    startedAt: row.started_at.toISOString(),
    lastHeartbeat: row.last_heartbeat.toISOString(),
    heartbeatAgeMs: Math.max(0, Number(row.age_ms)),
  };
}

export class PostgresNodeRegistry implements NodeRegistry {
  private readonly table: string;

  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
  ) {
    this.table = `"${schema}".node`;
  }

  async register(report: NodeReport): Promise<void> {
    const held = await checkout(this.pool).catch(rethrow);
    const { client } = held;
    let broken = false;
    try {
      await client.query('BEGIN');
      // Two nodes registering one new name at once: the lock makes the second see the first's row.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`elbow-node:${this.schema}:${report.name}`]);
      const { rows } = await client.query<NodeRow>(`SELECT *, ${AGE} AS age_ms FROM ${this.table} WHERE name = $1 FOR UPDATE`, [report.name]);
      const existing = rows[0] === undefined ? undefined : toRecord(rows[0]);
      if (existing !== undefined && existing.nodeId !== report.nodeId && !isDown(existing)) throw new NodeNameTaken(report.name, existing.heartbeatAgeMs);
      await client.query(
        `INSERT INTO ${this.table} (${COLUMNS}, started_at, last_heartbeat) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, now(), now())
         ON CONFLICT (name) DO UPDATE SET ${UPDATES}, started_at = now(), last_heartbeat = now()`,
        values(report),
      );
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => (broken = true));
      throw asStoreError(error);
    } finally {
      held.release(broken);
    }
  }

  async heartbeat(report: NodeReport): Promise<boolean> {
    const result = await this.pool
      .query(`UPDATE ${this.table} SET ${UPDATES}, last_heartbeat = now() WHERE name = $1 AND node_id = $2`, values(report))
      .catch(rethrow);
    return result.rowCount === 1;
  }

  async list(): Promise<NodeRecord[]> {
    const { rows } = await this.pool.query<NodeRow>(`SELECT *, ${AGE} AS age_ms FROM ${this.table} ORDER BY name`).catch(rethrow);
    return rows.map(toRecord);
  }

  async remove(name: string): Promise<boolean> {
    return (await this.pool.query(`DELETE FROM ${this.table} WHERE name = $1`, [name]).catch(rethrow)).rowCount === 1;
  }
}

function rethrow(error: unknown): never {
  throw asStoreError(error);
}

const AGE = 'EXTRACT(EPOCH FROM (now() - last_heartbeat)) * 1000';
/** Every reported column but the name, from the VALUES order of `values()`. */
const UPDATES =
  'node_id = $2, availability_zone = $3, api_url = $4, version = $5, applied_revision = $6, health = $7, health_detail = $8, heartbeat_interval_ms = $9, details = $10::jsonb';
