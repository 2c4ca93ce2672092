// Octavia's admin resources (flavors and their profiles, availability zones and their profiles,
// quotas) as lists and pages built from the console's kind table, and the read-only providers and
// amphorae (the elbow nodes serving each load balancer).
import type { ComponentChildren } from 'preact';
import { api, OCTAVIA_API, request, type ApiObject } from '../api/client';
import { Badge } from '../components/status';
import { href } from '../router';
import { ADMIN_KINDS, KINDS, title, type AdminKind } from '../resources';
import { DetailsTable, Loading, NewLink, ResourceTable, Section, renderValue, useLoad } from './common';
import { NodeLink, nodeNames } from './nodes';
import { SimplePage } from './pages';

const str = (value: unknown) => (value === null || value === undefined ? '' : String(value));
const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const plural = (label: string) => (label.endsWith('y') ? `${label.slice(0, -1)}ies` : `${label}s`);
const newLabel = (kind: AdminKind) => (kind === 'quota' ? 'Set a quota' : `New ${KINDS[kind].label}`);
const pageOf = (kind: AdminKind, id: string) => href(`/${KINDS[kind].collection}/${encodeURIComponent(id)}`);

/** Every admin kind with how many there are, the providers, and the amphorae. */
export function AdminPage() {
  const loaded = useLoad(() => Promise.all(ADMIN_KINDS.map((kind) => api.list(KINDS[kind].collection))), []);
  return (
    <>
      <header class="page-header">
        <div>
          <h1>Admin</h1>
          <p class="muted">What an administrator sets up for every project (Octavia's admin resources), and where load balancers run.</p>
        </div>
      </header>
      <Loading loaded={loaded}>
        {(lists) => (
          <div class="grid two">
            {ADMIN_KINDS.map((kind, i) => (
              <Section key={kind} title={capitalized(plural(KINDS[kind].label))} action={<NewLink to={`/${KINDS[kind].collection}/new`} label={newLabel(kind)} />}>
                <p class="muted">{KINDS[kind].about}</p>
                <p>
                  <a href={href(`/${KINDS[kind].collection}`)}>
                    {lists[i]?.length ?? 0} {lists[i]?.length === 1 ? KINDS[kind].label : plural(KINDS[kind].label)}
                  </a>
                </p>
              </Section>
            ))}
            <Section title="Providers and amphorae">
              <p class="muted">elbow is the one provider; an amphora is an elbow node serving a load balancer.</p>
              <p>
                <a href={href('/providers')}>Providers</a> · <a href={href('/amphorae')}>Amphorae</a> · <a href={href('/nodes')}>Nodes</a>
              </p>
            </Section>
          </div>
        )}
      </Loading>
    </>
  );
}

/** The list page of an admin kind: its name and the kind's columns, linked where they name a resource. */
export function KindList({ kind }: { kind: AdminKind }) {
  const info = KINDS[kind];
  const loaded = useLoad(
    () => Promise.all([api.list(info.collection), kind === 'quota' ? api.show('quotas/defaults') : Promise.resolve(undefined), referencedNames(kind)]),
    [kind],
  );
  const cell = (name: string, names: Map<string, ApiObject>) => (row: ApiObject) => {
    const ref = info.columnRefs?.[name];
    const named = ref === undefined ? undefined : names.get(str(row[name]));
    return ref === undefined || named === undefined ? renderValue(name, row[name]) : <a href={pageOf(ref, named.id)}>{title(named)}</a>;
  };
  const columnsOf = (names: Map<string, ApiObject>): [string, (row: ApiObject) => ComponentChildren][] => [
    [kind === 'quota' ? 'project' : 'name', (row) => <a href={pageOf(kind, row.id)}>{title(row)}</a>],
    ...(info.columns ?? []).map((name): [string, (row: ApiObject) => ComponentChildren] => [name.replace(/_id$/, '').replace(/_/g, ' '), cell(name, names)]),
  ];
  return (
    <>
      <header class="page-header">
        <div>
          <p class="kind">
            <a href={href('/admin')}>Admin</a>
          </p>
          <h1>{capitalized(plural(info.label))}</h1>
          <p class="muted">{info.about}</p>
        </div>
        <div class="actions">
          <NewLink to={`/${info.collection}/new`} label={newLabel(kind)} />
        </div>
      </header>
      <Loading loaded={loaded}>
        {([rows, defaults, names]) =>
          defaults === undefined ? (
            <ResourceTable rows={rows} columns={columnsOf(names)} />
          ) : (
            <>
              <Section title="Projects with a quota">
                <ResourceTable rows={rows} columns={columnsOf(names)} />
              </Section>
              <Section title="Defaults (projects without a quota)">
                <ResourceTable rows={[{ ...defaults, id: 'defaults' }]} columns={columnsOf(names).slice(1)} />
              </Section>
            </>
          )
        }
      </Loading>
    </>
  );
}

/** The resources a kind's list names in its columns (a flavor's profile), by id, to show their names. */
async function referencedNames(kind: AdminKind): Promise<Map<string, ApiObject>> {
  const refs = [...new Set(Object.values(KINDS[kind].columnRefs ?? {}))].filter((ref): ref is AdminKind => ref !== undefined);
  const lists = await Promise.all(refs.map((ref) => api.list(KINDS[ref].collection)));
  return new Map(lists.flat().map((r) => [r.id, r]));
}

/** One admin resource; a flavor and an availability zone also list the load balancers using them. */
export function KindPage({ kind, id }: { kind: AdminKind; id: string }) {
  const usedBy = kind === 'flavor' ? 'flavor_id' : kind === 'availabilityzone' ? 'availability_zone' : undefined;
  return <SimplePage kind={kind} id={id}>{usedBy === undefined ? undefined : (resource) => <UsedBy field={usedBy} id={resource.id} />}</SimplePage>;
}

function UsedBy({ field, id }: { field: string; id: string }) {
  const loaded = useLoad(() => api.list('loadbalancers', { [field]: id }), [field, id]);
  return (
    <Section title="Load balancers using it">
      <Loading loaded={loaded}>
        {(lbs) => (
          <ResourceTable
            rows={lbs}
            columns={[
              ['name', (lb) => <a href={href(`/loadbalancers/${lb.id}`)}>{title(lb)}</a>],
              ['VIP', (lb) => <span class="mono">{str(lb.vip_address)}</span>],
              ['status', (lb) => <Badge status={str(lb.operating_status)} />],
            ]}
          />
        )}
      </Loading>
    </Section>
  );
}

interface Named {
  name: string;
  description: string;
}

/** The providers, and the flavor_data and availability_zone_data keys elbow honours. */
export function ProvidersPage() {
  const loaded = useLoad(async () => {
    const get = async (path: string, key: string) => (await request<Record<string, Named[]>>('GET', `/v2/lbaas/${path}`))[key] ?? [];
    return Promise.all([get('providers', 'providers'), get('providers/elbow/flavor_capabilities', 'flavor_capabilities'), get('providers/elbow/availability_zone_capabilities', 'availability_zone_capabilities')]);
  }, []);
  const table = (rows: Named[]) => (
    <ResourceTable
      rows={rows.map((r) => ({ ...r, id: r.name }))}
      columns={[
        ['name', (r) => <code>{str(r.name)}</code>],
        ['description', (r) => str(r.description)],
      ]}
    />
  );
  return (
    <>
      <header class="page-header">
        <div>
          <p class="kind">
            <a href={href('/admin')}>Admin</a>
          </p>
          <h1>Providers</h1>
          <p class="muted">Read-only: what load balancers may name as their provider, and what the profiles' data may hold.</p>
        </div>
      </header>
      <Loading loaded={loaded}>
        {([providers, flavorKeys, zoneKeys]) => (
          <>
            <Section title="Providers">{table(providers)}</Section>
            <Section title="flavor_data keys (flavor profiles)">{table(flavorKeys)}</Section>
            <Section title="availability_zone_data keys (availability zone profiles)">{table(zoneKeys)}</Section>
          </>
        )}
      </Loading>
    </>
  );
}

/** Octavia's amphorae: one row per elbow node and load balancer it serves (?loadbalancer_id=… narrows it). */
export function AmphoraList({ loadbalancerId }: { loadbalancerId?: string }) {
  const loaded = useLoad(() => Promise.all([api.list('amphorae', loadbalancerId ? { loadbalancer_id: loadbalancerId } : {}, OCTAVIA_API), nodeNames()]), [loadbalancerId], 5000);
  return (
    <>
      <header class="page-header">
        <div>
          <p class="kind">
            <a href={href('/admin')}>Admin</a>
          </p>
          <h1>Amphorae</h1>
          <p class="muted">Read-only: the elbow nodes serving each load balancer, as Octavia's amphorae{loadbalancerId ? ' (one load balancer)' : ''}.</p>
        </div>
      </header>
      <Loading loaded={loaded}>
        {([amphorae, names]) => (
          <ResourceTable
            rows={amphorae}
            columns={[
              ['id', (a) => <a href={href(`/amphorae/${a.id}`)} class="mono">{a.id.slice(0, 8)}</a>],
              ['load balancer', (a) => <a href={href(`/loadbalancers/${str(a.loadbalancer_id)}`)} class="mono">{str(a.loadbalancer_id).slice(0, 8)}</a>],
              ['node', (a) => <NodeLink id={a.compute_id} names={names} />],
              ['VIP', (a) => <span class="mono">{str(a.ha_ip)}</span>],
              ['zone', (a) => renderValue('cached_zone', a.cached_zone)],
              ['status', (a) => <Badge status={str(a.status)} />],
            ]}
          />
        )}
      </Loading>
    </>
  );
}

export function AmphoraPage({ id }: { id: string }) {
  const loaded = useLoad(() => Promise.all([api.show(`amphorae/${encodeURIComponent(id)}`, OCTAVIA_API), nodeNames()]), [id], 5000);
  return (
    <Loading loaded={loaded}>
      {([amphora, names]) => (
        <>
          <header class="page-header">
            <div>
              <p class="kind">
                <a href={href('/amphorae')}>amphora</a>
              </p>
              <h1 class="mono">{amphora.id.slice(0, 8)}</h1>
              <p>
                <Badge status={str(amphora.status)} /> node <NodeLink id={amphora.compute_id} names={names} /> serving{' '}
                <a href={href(`/loadbalancers/${str(amphora.loadbalancer_id)}`)}>load balancer</a>
              </p>
            </div>
          </header>
          <Section title="Settings">
            <DetailsTable resource={amphora} />
          </Section>
        </>
      )}
    </Loading>
  );
}
