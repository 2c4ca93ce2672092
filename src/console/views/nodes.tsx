// The elbow nodes sharing the store (GET /v2/lbaas/nodes): where each runs (availability zone),
// which configuration revision its data plane applied, when it last sent a heartbeat and how
// healthy it says it is; a node that is down can be forgotten.
import { api, type ApiObject } from '../api/client';
import { Badge } from '../components/status';
import { href } from '../router';
import { title } from '../resources';
import { DetailsTable, Loading, PageHeader, ResourceTable, Section, renderValue, useLoad } from './common';

const str = (value: unknown) => (value === null || value === undefined ? '' : String(value));
/** A node's id in the console is its name. */
const withId = (node: ApiObject): ApiObject => ({ ...node, id: str(node.name) });

function Heartbeat({ node }: { node: ApiObject }) {
  const age = Number(node.seconds_since_heartbeat);
  return (
    <span title={str(node.last_heartbeat)}>
      {str(node.last_heartbeat)} {Number.isFinite(age) && <span class="muted">({age < 1 ? 'just now' : `${Math.round(age)} s ago`})</span>}
    </span>
  );
}

function Health({ node }: { node: ApiObject }) {
  return (
    <span class="health">
      <Badge status={str(node.health)} label="health" /> {node.health_detail ? <span class="muted">{str(node.health_detail)}</span> : null}
    </span>
  );
}

export function NodeList() {
  const loaded = useLoad(async () => (await api.list('nodes')).map(withId), [], 2000);
  return (
    <>
      <header class="page-header">
        <div>
          <h1>Nodes</h1>
          <p class="muted">The elbow processes sharing this store. Each sends a heartbeat; one that misses three is shown down and its load balancers move to the others.</p>
        </div>
      </header>
      <Loading loaded={loaded}>
        {(nodes) => (
          <ResourceTable
            rows={nodes}
            columns={[
              [
                'name',
                (n) => (
                  <>
                    <a href={href(`/nodes/${encodeURIComponent(n.id)}`)}>{n.id}</a>
                    {n.local === true && <span class="chip">this node</span>}
                  </>
                ),
              ],
              ['availability zone', (n) => renderValue('availability_zone', n.availability_zone)],
              ['applied revision', (n) => <span class="mono">{str(n.applied_revision) || '—'}</span>],
              ['last heartbeat', (n) => <Heartbeat node={n} />],
              ['health', (n) => <Health node={n} />],
              ['load balancers', (n) => String(Array.isArray(n.loadbalancers) ? n.loadbalancers.length : 0)],
            ]}
          />
        )}
      </Loading>
    </>
  );
}

export function NodePage({ name }: { name: string }) {
  const loaded = useLoad(async () => {
    const node = withId(await api.show(`nodes/${encodeURIComponent(name)}`));
    const placed = new Set(Array.isArray(node.loadbalancers) ? node.loadbalancers.map(String) : []);
    const lbs = (await api.list('loadbalancers')).filter((lb) => placed.has(lb.id));
    return { node, lbs };
  }, [name], 2000);
  return (
    <Loading loaded={loaded}>
      {({ node, lbs }) => (
        <>
          <PageHeader kind="node" resource={node} afterDelete="/nodes">
            <Health node={node} /> {node.local === true && <span class="chip">this node</span>}
          </PageHeader>
          <Section title="Load balancers placed on it">
            <ResourceTable
              rows={lbs}
              columns={[
                ['name', (lb) => <a href={href(`/loadbalancers/${lb.id}`)}>{title(lb)}</a>],
                ['VIP', (lb) => <span class="mono">{str(lb.vip_address)}</span>],
                ['status', (lb) => <Badge status={str(lb.operating_status)} />],
                ['', (lb) => <a href={href(`/amphorae?loadbalancer_id=${lb.id}`)}>amphorae</a>],
              ]}
            />
          </Section>
          <Section title="Details">
            <DetailsTable resource={node} />
          </Section>
        </>
      )}
    </Loading>
  );
}

