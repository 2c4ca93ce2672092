// The elbow nodes sharing the store (GET /v2/lbaas/nodes): where each runs (availability zone),
// which configuration revision its data plane applied, when it last sent a heartbeat and how
// healthy it says it is; a node that is down can be forgotten.
import { api, OCTAVIA_API, type ApiObject } from '../api/client';
import { Badge } from '../components/status';
import { href } from '../router';
import { title } from '../resources';
import { DetailsTable, Loading, PageHeader, ResourceTable, Section, renderValue, useLoad } from './common';

const str = (value: unknown) => (value === null || value === undefined ? '' : String(value));
/** A node's key in the console (its URL, its delete) is its name, as in the API's paths. */
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

/** The nodes' names by their id (an amphora's compute_id); none when the API has no node registry. */
export async function nodeNames(): Promise<Map<string, string>> {
  const nodes = await api.list('nodes').catch(() => []);
  return new Map(nodes.map((node) => [str(node.id), str(node.name)]));
}

/** A node named by its id, linked to its page when it is known. */
export function NodeLink({ id, names }: { id: unknown; names: Map<string, string> }) {
  const name = names.get(str(id));
  return name === undefined ? <span class="mono">{str(id).slice(0, 8)}</span> : <a href={href(`/nodes/${encodeURIComponent(name)}`)}>{name}</a>;
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
    const node = await api.show(`nodes/${encodeURIComponent(name)}`);
    const placed = new Set(Array.isArray(node.loadbalancers) ? node.loadbalancers.map(String) : []);
    const [lbs, amphorae] = await Promise.all([api.list('loadbalancers'), api.list('amphorae', { compute_id: node.id }, OCTAVIA_API)]);
    const amphoraOf = new Map(amphorae.map((a) => [str(a.loadbalancer_id), a]));
    return { node, lbs: lbs.filter((lb) => placed.has(lb.id)), amphoraOf };
  }, [name], 2000);
  return (
    <Loading loaded={loaded}>
      {({ node, lbs, amphoraOf }) => (
        <>
          <PageHeader kind="node" resource={withId(node)} afterDelete="/nodes">
            <Health node={node} /> {node.local === true && <span class="chip">this node</span>}
          </PageHeader>
          <Section title="Load balancers placed on it">
            <ResourceTable
              rows={lbs}
              columns={[
                ['name', (lb) => <a href={href(`/loadbalancers/${lb.id}`)}>{title(lb)}</a>],
                ['VIP', (lb) => <span class="mono">{str(lb.vip_address)}</span>],
                ['status', (lb) => <Badge status={str(lb.operating_status)} />],
                ['amphora', (lb) => <AmphoraCell amphora={amphoraOf.get(lb.id)} />],
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

function AmphoraCell({ amphora }: { amphora: ApiObject | undefined }) {
  if (amphora === undefined) return <span class="muted">—</span>;
  return (
    <a href={href(`/amphorae/${amphora.id}`)}>
      <Badge status={str(amphora.status)} />
    </a>
  );
}
