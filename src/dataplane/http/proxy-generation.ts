// What a running L7 listener derives from one snapshot's configuration (compiled once per update)
// and what it keeps across updates (member connection pools, learned application cookies).

import type { ServerResponse } from 'node:http';
import type { AccessFilter } from '../access-control.js';
import { createAccessFilter } from '../access-control.js';
import type { ListenerContext } from '../listener-runtime.js';
import type { SnapshotListener, SnapshotMember } from '../../snapshot/snapshot.js';
import { compilePolicies, type Router } from '../routing/compile-policies.js';
import { compileInsertHeaders, type InsertedHeaders } from './forwarded-headers.js';
import { AppCookieTable } from './session-cookies.js';
import { UpstreamPools } from './upstream-pools.js';

export interface ProxyGeneration {
  readonly config: SnapshotListener;
  readonly context: ListenerContext;
  readonly route: Router;
  /** null: every client is admitted. */
  readonly admit: AccessFilter | null;
  readonly insertHeaders: InsertedHeaders;
  /** Clients may present certificates (mTLS): requests carry their facts. */
  readonly clientCertificates: boolean;
  /** The Strict-Transport-Security value every answer carries (HTTPS listeners with HSTS); null: none. */
  readonly hsts: string | null;
}

/** Octavia's HSTS header: max-age, then includeSubDomains and preload when asked for. */
export function hstsHeader(hsts: SnapshotListener['hsts']): string | null {
  if (hsts === null) return null;
  return `max-age=${hsts.maxAge}${hsts.includeSubdomains ? '; includeSubDomains' : ''}${hsts.preload ? '; preload' : ''}`;
}

export function compileGeneration(config: SnapshotListener, context: ListenerContext): ProxyGeneration {
  const route = compilePolicies(config, (rule, error) =>
    context.log('warn', 'forwarding rule does not compile; it never matches', { listener: config.id, rule: rule.id, error: error.message }));
  return {
    config,
    context,
    route,
    admit: createAccessFilter(config.accessControl),
    insertHeaders: compileInsertHeaders(config.insertHeaders),
    clientCertificates: config.tls !== null && config.tls.clientAuthentication !== 'NONE',
    hsts: hstsHeader(config.hsts),
  };
}

/** State of one listener that outlives configuration updates. */
export class ProxyState {
  readonly upstreams: UpstreamPools;
  /** Responses in progress: draining turns their keep-alive off. */
  readonly inFlight = new Set<ServerResponse>();
  /** Set while the listener drains: called after each response that closes. */
  draining: (() => void) | null = null;
  private readonly appCookies = new Map<string, AppCookieTable>();

  constructor(
    readonly scheme: 'http' | 'https',
    private generation: ProxyGeneration,
    memberConnectionLimit?: number,
  ) {
    this.upstreams = new UpstreamPools(memberConnectionLimit);
  }

  get current(): ProxyGeneration {
    return this.generation;
  }

  update(generation: ProxyGeneration): void {
    this.generation = generation;
    this.upstreams.retain(membersOf(generation));
  }

  appCookieTable(poolId: string): AppCookieTable {
    let table = this.appCookies.get(poolId);
    if (!table) {
      table = new AppCookieTable(undefined, `app-cookie/${this.generation.config.id}/${poolId}`);
      this.appCookies.set(poolId, table);
    }
    return table;
  }
}

/** Every member of the pools a generation can send to (default pool and policies' pools). */
function membersOf(generation: ProxyGeneration): SnapshotMember[] {
  const poolIds = [generation.config.defaultPoolId, ...generation.config.policies.map((p) => p.redirectPoolId)];
  return poolIds.flatMap((id) => (id === null ? [] : generation.context.pool(id)?.config.members ?? []));
}
