// The node registry on SQLite: one node in practice (the file is not shared between machines),
// kept for the same view and the same `elbow status` as on PostgreSQL. Writes take the store's
// write queue, so a heartbeat never lands inside a configuration transaction awaiting on the
// same connection; reads use the read connection when there is one.

import type Database from 'better-sqlite3';
import type { SerialQueue } from '../../util/serial-queue.js';
import { isDown, NodeNameTaken, type NodeRecord, type NodeRegistry, type NodeReport, type ReportedHealth } from '../node-registry.js';

interface NodeRow {
  name: string;
  node_id: string;
  availability_zone: string | null;
  api_url: string | null;
  version: string;
  applied_revision: number | null;
  health: ReportedHealth;
  health_detail: string | null;
  heartbeat_interval_ms: number;
  details: string;
  started_at: string;
  last_heartbeat: string;
  age_ms: number;
}

const NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";
const AGE = "(julianday('now') - julianday(last_heartbeat)) * 86400000.0";
const SELECT = `SELECT *, ${AGE} AS age_ms FROM node`;
const REPORTED =
  'node_id = @node_id, availability_zone = @availability_zone, api_url = @api_url, version = @version, applied_revision = @applied_revision, ' +
  'health = @health, health_detail = @health_detail, heartbeat_interval_ms = @heartbeat_interval_ms, details = @details';

function parameters(report: NodeReport): Record<string, unknown> {
  return {
    name: report.name,
    node_id: report.nodeId,
    availability_zone: report.availabilityZone,
    api_url: report.apiUrl,
    version: report.version,
    applied_revision: report.appliedRevision,
    health: report.health,
    health_detail: report.healthDetail,
    heartbeat_interval_ms: Math.round(report.heartbeatIntervalMs),
    details: JSON.stringify(report.details),
  };
}

function toRecord(row: NodeRow): NodeRecord {
  return {
    name: row.name,
    nodeId: row.node_id,
    availabilityZone: row.availability_zone,
    apiUrl: row.api_url,
    version: row.version,
    appliedRevision: row.applied_revision,
    health: row.health,
    healthDetail: row.health_detail,
    heartbeatIntervalMs: row.heartbeat_interval_ms,
    details: JSON.parse(row.details) as Record<string, unknown>,
    startedAt: row.started_at,
    lastHeartbeat: row.last_heartbeat,
    heartbeatAgeMs: Math.max(0, row.age_ms),
  };
}

export class SqliteNodeRegistry implements NodeRegistry {
  constructor(
    private readonly db: Database.Database,
    private readonly reader: Database.Database | undefined,
    private readonly writes: SerialQueue,
    private readonly assertOpen: () => void,
  ) {}

  register(report: NodeReport): Promise<void> {
    return this.writes.run(() => {
      this.assertOpen();
      this.db
        .transaction(() => {
          const row = this.db.prepare(`${SELECT} WHERE name = ?`).get(report.name) as NodeRow | undefined;
          const existing = row === undefined ? undefined : toRecord(row);
          if (existing !== undefined && existing.nodeId !== report.nodeId && !isDown(existing)) throw new NodeNameTaken(report.name, existing.heartbeatAgeMs);
          this.db
            .prepare(
              `INSERT INTO node (name, node_id, availability_zone, api_url, version, applied_revision, health, health_detail, heartbeat_interval_ms, details, started_at, last_heartbeat)
               VALUES (@name, @node_id, @availability_zone, @api_url, @version, @applied_revision, @health, @health_detail, @heartbeat_interval_ms, @details, ${NOW}, ${NOW})
               ON CONFLICT (name) DO UPDATE SET ${REPORTED}, started_at = ${NOW}, last_heartbeat = ${NOW}`,
            )
            .run(parameters(report));
        })
        .immediate();
    });
  }

  heartbeat(report: NodeReport): Promise<boolean> {
    return this.writes.run(() => {
      this.assertOpen();
      const result = this.db.prepare(`UPDATE node SET ${REPORTED}, last_heartbeat = ${NOW} WHERE name = @name AND node_id = @node_id`).run(parameters(report));
      return result.changes === 1;
    });
  }

  async list(): Promise<NodeRecord[]> {
    const read = () => (this.assertOpen(), (this.reader ?? this.db).prepare(`${SELECT} ORDER BY name`).all() as NodeRow[]);
    const rows = this.reader === undefined ? await this.writes.run(read) : read();
    return rows.map(toRecord);
  }

  remove(name: string): Promise<boolean> {
    return this.writes.run(() => {
      this.assertOpen();
      return this.db.prepare('DELETE FROM node WHERE name = ?').run(name).changes === 1;
    });
  }
}
