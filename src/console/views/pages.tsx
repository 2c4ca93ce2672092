// The console's pages, one per resource kind and list; each has its own URL.
import type { ComponentChildren } from 'preact';
import { api, OCTAVIA_API, type ApiObject } from '../api/client';
import type { StatusNode } from '../api/live-stream';
import { LISTENER_CHARTS, LiveChart } from '../components/charts';
import { Badge, Statuses, StatusTree } from '../components/status';
import { Timeline } from '../components/timeline';
import { daysLeft } from '../forms/constraints';
import { href } from '../router';
import { collectionPath, KINDS, title, type Kind } from '../resources';
import { DeleteButton, DetailsTable, Expiry, Loading, NewLink, PageHeader, ResourceTable, Section, useLoad } from './common';
import { NodeLink, nodeNames } from './nodes';
import { useLive } from './use-live';

const str = (value: unknown) => (value === null || value === undefined ? '' : String(value));
const ids = (value: unknown) => (Array.isArray(value) ? value.map((v) => String((v as { id: string }).id)) : []);

export function LoadBalancerList() {
  const loaded = useLoad(() => Promise.all([api.list('loadbalancers'), api.list('listeners')]), [], 5000);
  return (
    <>
      <header class="page-header">
        <div>
          <h1>Load balancers</h1>
        </div>
        <div class="actions">
          <NewLink to="/loadbalancers/new" label="New load balancer" />
        </div>
      </header>
      <Loading loaded={loaded}>
        {([lbs, listeners]) =>
          lbs.length === 0 ? (
            <p class="empty">
              No load balancers yet. <a href={href('/loadbalancers/new')}>Create the first one</a>.
            </p>
          ) : (
            <div class="table-wrap">
              <table class="list">
                <thead>
                  <tr>
                    <th>name</th>
                    <th>VIP</th>
                    <th>type</th>
                    <th>listeners</th>
                    <th>status</th>
                  </tr>
                </thead>
                <tbody>
                  {lbs.map((lb) => (
                    <tr key={lb.id}>
                      <td>
                        <a href={href(`/loadbalancers/${lb.id}`)}>{title(lb)}</a>
                      </td>
                      <td class="mono">{str(lb.vip_address)}</td>
                      <td>{str(lb.type)}</td>
                      <td>
                        {listeners
                          .filter((l) => l.loadbalancer_id === lb.id)
                          .map((l) => (
                            <a key={l.id} class="chip" href={href(`/listeners/${l.id}`)}>
                              {str(l.protocol)}:{str(l.protocol_port)}
                            </a>
                          ))}
                      </td>
                      <td>
                        <Statuses resource={lb} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Loading>
    </>
  );
}

async function loadBalancerParts(id: string) {
  const [lb, listeners, pools, l7policies] = await Promise.all([
    api.show(`loadbalancers/${encodeURIComponent(id)}`),
    api.list('listeners', { loadbalancer_id: id }),
    api.list('pools', { loadbalancer_id: id }),
    api.list('l7policies'),
  ]);
  const [members, amphorae, names, flavor] = await Promise.all([
    Promise.all(pools.map((p) => api.list(collectionPath('member', p.id)))).then((lists) => lists.flat()),
    api.list('amphorae', { loadbalancer_id: id }, OCTAVIA_API),
    nodeNames(),
    lb.flavor_id ? api.show(`flavors/${encodeURIComponent(str(lb.flavor_id))}`).catch(() => undefined) : undefined,
  ]);
  const listenerIds = new Set(listeners.map((l) => l.id));
  return { lb, listeners, pools, members, amphorae, names, flavor, l7policies: l7policies.filter((p) => listenerIds.has(str(p.listener_id))) };
}

export function LoadBalancerPage({ id }: { id: string }) {
  const loaded = useLoad(() => loadBalancerParts(id), [id], 10000);
  const live = useLive(id);
  return (
    <Loading loaded={loaded}>
      {({ lb, listeners, pools, members, amphorae, names, flavor, l7policies }) => {
        const details = new Map<string, ApiObject>([lb, ...listeners, ...pools, ...members].map((r) => [r.id, r]));
        const memberMap = new Map(members.map((m) => [m.id, m]));
        return (
          <>
            <PageHeader kind="loadbalancer" resource={lb} editUrl={`/loadbalancers/${id}/edit`} afterDelete="/" cascade={{ listeners: listeners.length, pools: pools.length }}>
              <span class="mono"> {str(lb.vip_address)}</span> <span class="chip">{str(lb.type)}</span>
              {flavor && (
                <a class="chip" href={href(`/flavors/${flavor.id}`)}>
                  flavor {title(flavor)}
                </a>
              )}
              {lb.availability_zone ? (
                <a class="chip" href={href(`/availabilityzones/${encodeURIComponent(str(lb.availability_zone))}`)}>
                  zone {str(lb.availability_zone)}
                </a>
              ) : null}
            </PageHeader>
            <div class="grid two">
              <Section title="Status" action={<span class={`live ${live.connected ? 'on' : 'off'}`}>{live.connected ? 'live' : 'connecting…'}</span>}>
                {live.tree ? <StatusTree tree={live.tree} details={details} /> : <p class="muted">Waiting for the live status…</p>}
              </Section>
              <Section title="Member state changes">
                <Timeline changes={live.changes} members={memberMap} />
              </Section>
            </div>
            <Section title="Listeners" action={<NewLink to={`/listeners/new?loadbalancer_id=${id}`} label="Add listener" />}>
              <ResourceTable
                rows={listeners}
                columns={[
                  ['name', (l) => <a href={href(`/listeners/${l.id}`)}>{title(l)}</a>],
                  ['protocol:port', (l) => `${str(l.protocol)}:${str(l.protocol_port)}`],
                  ['default pool', (l) => (l.default_pool_id ? <a href={href(`/pools/${str(l.default_pool_id)}`)}>{title(details.get(str(l.default_pool_id)) ?? { id: str(l.default_pool_id) })}</a> : '—')],
                  ['status', (l) => <Badge status={liveStatus(live.tree, l.id) ?? str(l.operating_status)} />],
                ]}
              />
            </Section>
            <Section title="Backend server groups (pools)" action={<NewLink to={`/pools/new?loadbalancer_id=${id}`} label="Add pool" />}>
              <ResourceTable
                rows={pools}
                columns={[
                  ['name', (p) => <a href={href(`/pools/${p.id}`)}>{title(p)}</a>],
                  ['protocol', (p) => str(p.protocol)],
                  ['algorithm', (p) => str(p.lb_algorithm)],
                  ['members', (p) => String(ids(p.members).length)],
                  ['health monitor', (p) => (p.healthmonitor_id ? <a href={href(`/healthmonitors/${str(p.healthmonitor_id)}/edit`)}>yes</a> : '—')],
                ]}
              />
            </Section>
            <Section title="Forwarding policies (L7)">
              <ResourceTable
                rows={l7policies}
                columns={[
                  ['name', (p) => <a href={href(`/l7policies/${p.id}`)}>{title(p)}</a>],
                  ['listener', (p) => <a href={href(`/listeners/${str(p.listener_id)}`)}>{title(details.get(str(p.listener_id)) ?? { id: str(p.listener_id) })}</a>],
                  ['position', (p) => str(p.position)],
                  ['action', (p) => str(p.action)],
                  ['rules', (p) => String(ids(p.rules).length)],
                ]}
              />
            </Section>
            <Section title="Served by (elbow nodes)" action={<a href={href(`/amphorae?loadbalancer_id=${id}`)}>as amphorae</a>}>
              <ResourceTable
                rows={amphorae}
                columns={[
                  ['node', (a) => <NodeLink id={a.compute_id} names={names} />],
                  ['zone', (a) => str(a.cached_zone) || '—'],
                  ['status', (a) => <a href={href(`/amphorae/${a.id}`)}><Badge status={str(a.status)} /></a>],
                ]}
              />
            </Section>
            <Section title="Settings">
              <DetailsTable resource={lb} />
            </Section>
          </>
        );
      }}
    </Loading>
  );
}

/** A node's operating status in the live tree, when it is there. */
function liveStatus(tree: StatusNode | undefined, id: string): string | undefined {
  if (tree === undefined) return undefined;
  const stack = [tree];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === undefined) break;
    if (node.id === id) return node.operating_status;
    stack.push(...(node.listeners ?? []), ...(node.pools ?? []), ...(node.members ?? []));
  }
  return undefined;
}

export function ListenerPage({ id, theme }: { id: string; theme: string }) {
  const loaded = useLoad(async () => {
    const listener = await api.show(`listeners/${encodeURIComponent(id)}`);
    const policies = await api.list('l7policies', { listener_id: id });
    return { listener, policies };
  }, [id]);
  const live = useLive(loaded.data?.listener.loadbalancer_id as string | undefined);
  return (
    <Loading loaded={loaded}>
      {({ listener, policies }) => {
        const history = live.history(id);
        const http = ['HTTP', 'HTTPS', 'TERMINATED_HTTPS'].includes(str(listener.protocol));
        return (
          <>
            <PageHeader kind="listener" resource={listener} editUrl={`/listeners/${id}/edit`} afterDelete={`/loadbalancers/${str(listener.loadbalancer_id)}`}>
              <span class="chip">
                {str(listener.protocol)}:{str(listener.protocol_port)}
              </span>{' '}
              on <a href={href(`/loadbalancers/${str(listener.loadbalancer_id)}`)}>load balancer</a>
            </PageHeader>
            <Section title="Traffic (last 5 minutes)" action={<span class={`live ${live.connected ? 'on' : 'off'}`}>{live.connected ? 'live' : 'connecting…'}</span>}>
              <div class="charts">
                {LISTENER_CHARTS.filter((c) => http || (c.id !== 'requests' && c.id !== 'latency')).map((spec) => (
                  <LiveChart key={spec.id} spec={spec} history={history} version={live.version} theme={theme} />
                ))}
              </div>
            </Section>
            {http && (
              <Section title="Forwarding policies (L7)" action={<NewLink to={`/l7policies/new?listener_id=${id}`} label="Add policy" />}>
                <ResourceTable
                  rows={policies}
                  columns={[
                    ['position', (p) => str(p.position)],
                    ['name', (p) => <a href={href(`/l7policies/${p.id}`)}>{title(p)}</a>],
                    ['action', (p) => str(p.action)],
                    ['rules', (p) => String(ids(p.rules).length)],
                    ['status', (p) => <Badge status={str(p.operating_status)} />],
                  ]}
                />
              </Section>
            )}
            <Section title="Settings">
              <DetailsTable resource={listener} />
            </Section>
          </>
        );
      }}
    </Loading>
  );
}

export function PoolPage({ id }: { id: string }) {
  const loaded = useLoad(async () => {
    const pool = await api.show(`pools/${encodeURIComponent(id)}`);
    const members = await api.list(collectionPath('member', id));
    const monitor = pool.healthmonitor_id ? await api.show(`healthmonitors/${encodeURIComponent(str(pool.healthmonitor_id))}`) : undefined;
    return { pool, members, monitor };
  }, [id], 5000);
  const live = useLive(loaded.data?.pool.loadbalancer_id as string | undefined);
  return (
    <Loading loaded={loaded}>
      {({ pool, members, monitor }) => (
        <>
          <PageHeader kind="pool" resource={pool} editUrl={`/pools/${id}/edit`} afterDelete={`/loadbalancers/${str(pool.loadbalancer_id)}`}>
            <span class="chip">{str(pool.protocol)}</span> <span class="chip">{str(pool.lb_algorithm)}</span> on{' '}
            <a href={href(`/loadbalancers/${str(pool.loadbalancer_id)}`)}>load balancer</a>
          </PageHeader>
          <Section title="Backend servers (members)" action={<NewLink to={`/pools/${id}/members/new`} label="Add member" />}>
            <ResourceTable
              rows={members}
              columns={[
                ['address', (m) => <a href={href(`/pools/${id}/members/${m.id}/edit`)} class="mono">{`${str(m.address)}:${str(m.protocol_port)}`}</a>],
                ['name', (m) => str(m.name)],
                ['weight', (m) => str(m.weight)],
                ['status', (m) => <Badge status={liveStatus(live.tree, m.id) ?? str(m.operating_status)} />],
                ['', (m) => <DeleteButton kind="member" resource={m} parentId={id} afterDelete={`/pools/${id}`} small />],
              ]}
            />
          </Section>
          <Section title="Health monitor" action={monitor ? undefined : <NewLink to={`/healthmonitors/new?pool_id=${id}`} label="Add health monitor" />}>
            {monitor ? (
              <>
                <p>
                  <Statuses resource={monitor} /> {str(monitor.type)} every {str(monitor.delay)} s, timeout {str(monitor.timeout)} s, up after {str(monitor.max_retries)}, down after{' '}
                  {str(monitor.max_retries_down)}{' '}
                  <a class="button small" href={href(`/healthmonitors/${monitor.id}/edit`)}>
                    Edit
                  </a>{' '}
                  <DeleteButton kind="healthmonitor" resource={monitor} afterDelete={`/pools/${id}`} small />
                </p>
              </>
            ) : (
              <p class="muted">No health monitor: members show NO_MONITOR and always take traffic.</p>
            )}
          </Section>
          <Section title="Settings">
            <DetailsTable resource={pool} />
          </Section>
        </>
      )}
    </Loading>
  );
}

export function PolicyPage({ id }: { id: string }) {
  const loaded = useLoad(async () => {
    const policy = await api.show(`l7policies/${encodeURIComponent(id)}`);
    const rules = await api.list(collectionPath('l7rule', id));
    return { policy, rules };
  }, [id]);
  return (
    <Loading loaded={loaded}>
      {({ policy, rules }) => (
        <>
          <PageHeader kind="l7policy" resource={policy} editUrl={`/l7policies/${id}/edit`} afterDelete={`/listeners/${str(policy.listener_id)}`}>
            <span class="chip">{str(policy.action)}</span> on <a href={href(`/listeners/${str(policy.listener_id)}`)}>listener</a>
          </PageHeader>
          <Section title="Rules (all must match)" action={<NewLink to={`/l7policies/${id}/rules/new`} label="Add rule" />}>
            <ResourceTable
              rows={rules}
              columns={[
                ['type', (r) => <a href={href(`/l7policies/${id}/rules/${r.id}/edit`)}>{str(r.type)}</a>],
                ['compare', (r) => `${r.invert ? 'NOT ' : ''}${str(r.compare_type)}`],
                ['key', (r) => str(r.key)],
                ['value', (r) => <code>{str(r.value)}</code>],
                ['', (r) => <DeleteButton kind="l7rule" resource={r} parentId={id} afterDelete={`/l7policies/${id}`} small />],
              ]}
            />
          </Section>
          <Section title="Settings">
            <DetailsTable resource={policy} />
          </Section>
        </>
      )}
    </Loading>
  );
}

export function CertificateList() {
  const loaded = useLoad(() => api.list('certificates'), []);
  return (
    <>
      <header class="page-header">
        <div>
          <h1>Certificates</h1>
        </div>
        <div class="actions">
          <NewLink to="/certificates/new" label="New certificate" />
        </div>
      </header>
      <Loading loaded={loaded}>
        {(certificates) => (
          <ResourceTable
            rows={certificates}
            columns={[
              ['name', (c) => <a href={href(`/certificates/${c.id}`)}>{title(c)}</a>],
              ['type', (c) => str(c.type)],
              ['subject', (c) => str(c.subject)],
              ['expires', (c) => <Expiry value={str(c.expires_at)} />],
              ['', (c) => ((daysLeft(c) ?? 99) < 30 ? <Badge status="EXPIRING" /> : null)],
            ]}
          />
        )}
      </Loading>
    </>
  );
}

export function IpGroupList() {
  const loaded = useLoad(() => api.list('ipgroups'), []);
  return (
    <>
      <header class="page-header">
        <div>
          <h1>IP address groups</h1>
        </div>
        <div class="actions">
          <NewLink to="/ipgroups/new" label="New IP group" />
        </div>
      </header>
      <Loading loaded={loaded}>
        {(groups) => (
          <ResourceTable
            rows={groups}
            columns={[
              ['name', (g) => <a href={href(`/ipgroups/${g.id}`)}>{title(g)}</a>],
              ['addresses', (g) => (Array.isArray(g.ip_list) ? g.ip_list.map((e) => str((e as { ip: string }).ip)).join(', ') : '')],
              ['used by', (g) => String(ids(g.listeners).length)],
            ]}
          />
        )}
      </Loading>
    </>
  );
}

/** A resource without a page of its own (a certificate, an IP group, an admin kind): its fields, edit and delete. */
export function SimplePage({ kind, id, children }: { kind: Kind; id: string; children?: (resource: ApiObject) => ComponentChildren }) {
  const collection = KINDS[kind].collection;
  const loaded = useLoad(() => api.show(`${collection}/${encodeURIComponent(id)}`), [id]);
  return (
    <Loading loaded={loaded}>
      {(resource) => (
        <>
          <PageHeader kind={kind} resource={resource} editUrl={`/${collection}/${encodeURIComponent(id)}/edit`} afterDelete={`/${collection}`} />
          <Section title="Settings">
            <DetailsTable resource={resource} />
          </Section>
          {children?.(resource)}
        </>
      )}
    </Loading>
  );
}
