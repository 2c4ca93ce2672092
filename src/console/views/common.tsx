// Pieces every page uses: loading data, a resource's fields as a table, page headers with
// edit and delete, and the confirmed delete (which says when `cascade` is needed).
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, type ApiObject } from '../api/client';
import { Statuses } from '../components/status';
import { daysLeft } from '../forms/constraints';
import { href, navigate } from '../router';
import { itemPath, KINDS, title, type Kind } from '../resources';

export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  reload: () => void;
}

export function useLoad<T>(load: () => Promise<T>, deps: unknown[], refreshMs?: number): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (value) => {
        if (!live) return;
        setData(value);
        setError(undefined);
      },
      (err: unknown) => live && setError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  useEffect(() => {
    if (refreshMs === undefined) return;
    const timer = setInterval(() => setTick((t) => t + 1), refreshMs);
    return () => clearInterval(timer);
  }, [refreshMs, ...deps]);
  useEffect(() => setData(undefined), deps);
  return { data, error, reload: () => setTick((t) => t + 1) };
}

export function Loading<T>({ loaded, children }: { loaded: Loaded<T>; children: (data: T) => ComponentChildren }) {
  if (loaded.error !== undefined && loaded.data === undefined) return <p class="error" role="alert">{loaded.error}</p>;
  if (loaded.data === undefined) return <p class="muted">Loading…</p>;
  return <>{children(loaded.data)}</>;
}

/** Fields holding the id of another resource, and where that resource is shown. */
const ID_LINKS: Record<string, string> = {
  loadbalancer_id: 'loadbalancers',
  listener_id: 'listeners',
  pool_id: 'pools',
  default_pool_id: 'pools',
  redirect_pool_id: 'pools',
  redirect_listener_id: 'listeners',
  l7policy_id: 'l7policies',
  default_tls_container_ref: 'certificates',
  client_ca_tls_container_ref: 'certificates',
  tls_container_ref: 'certificates',
  ca_tls_container_ref: 'certificates',
  sni_container_refs: 'certificates',
  loadbalancers: 'loadbalancers',
  listeners: 'listeners',
  pools: 'pools',
  l7policies: 'l7policies',
  flavor_id: 'flavors',
  flavor_profile_id: 'flavorprofiles',
  availability_zone: 'availabilityzones',
  cached_zone: 'availabilityzones',
  availability_zone_profile_id: 'availabilityzoneprofiles',
};
/** Ids shown whole: names, not UUIDs. */
const NAMED = new Set(['availabilityzones']);
const NOT_SHOWN = new Set(['provisioning_status', 'operating_status', 'certificate', 'project_id', 'tenant_id']);

function idLink(collection: string, id: string) {
  return (
    <a href={href(`/${collection}/${encodeURIComponent(id)}`)} class={NAMED.has(collection) ? '' : 'mono'}>
      {NAMED.has(collection) ? id : id.slice(0, 8)}
    </a>
  );
}

export function renderValue(name: string, value: unknown): ComponentChildren {
  const collection = ID_LINKS[name];
  if (value === null || value === undefined || value === '') return <span class="muted">—</span>;
  if (collection && typeof value === 'string') return idLink(collection, value.split('/').pop() ?? value);
  if (Array.isArray(value)) {
    if (value.length === 0) return <span class="muted">—</span>;
    return (
      <span class="values">
        {value.map((item) =>
          collection && typeof item === 'object' && item !== null && 'id' in item
            ? idLink(collection, String((item as { id: string }).id))
            : collection && typeof item === 'string'
              ? idLink(collection, item.split('/').pop() ?? item)
              : <code>{typeof item === 'object' ? JSON.stringify(item) : String(item)}</code>,
        )}
      </span>
    );
  }
  if (typeof value === 'object') return <code>{JSON.stringify(value)}</code>;
  if (name === 'expires_at') return <Expiry value={String(value)} />;
  return <span class={name === 'id' ? 'mono' : ''}>{String(value)}</span>;
}

export function Expiry({ value }: { value: string }) {
  const days = daysLeft({ id: '', expires_at: value });
  const warn = days !== undefined && days < 30;
  return (
    <span class={warn ? 'expiry warn' : 'expiry'}>
      {value}
      {days !== undefined && <> ({days < 0 ? 'expired' : `${days} days left`})</>}
      {warn && <strong role="note"> ⚠ renew soon</strong>}
    </span>
  );
}

export function DetailsTable({ resource }: { resource: ApiObject }) {
  return (
    <table class="details">
      <tbody>
        {Object.entries(resource)
          .filter(([name]) => !NOT_SHOWN.has(name))
          .map(([name, value]) => (
            <tr key={name}>
              <th scope="row">{name}</th>
              <td>{renderValue(name, value)}</td>
            </tr>
          ))}
      </tbody>
    </table>
  );
}

export function PageHeader(props: { kind: Kind; resource: ApiObject; editUrl?: string; parentId?: string; afterDelete: string; cascade?: { listeners: number; pools: number }; children?: ComponentChildren }) {
  const { kind, resource } = props;
  return (
    <header class="page-header">
      <div>
        <p class="kind">{KINDS[kind].label}</p>
        <h1>{title(resource)}</h1>
        <p>
          {'operating_status' in resource && <Statuses resource={resource} />}
          {props.children}
        </p>
      </div>
      <div class="actions">
        {props.editUrl !== undefined && (
          <a class="button" href={href(props.editUrl)}>
            Edit
          </a>
        )}
        <DeleteButton kind={kind} resource={resource} parentId={props.parentId} afterDelete={props.afterDelete} cascade={props.cascade} />
      </div>
    </header>
  );
}

/** What a delete does when it is not plainly gone for good. */
const DELETE_MEANS: Partial<Record<Kind, string>> = {
  quota: 'The project goes back to the default limits.',
  node: 'elbow forgets the node: only a node that is down can be forgotten; if it starts again it registers afresh.',
};

/** Delete with a confirmation; a load balancer with children needs `cascade`, and the dialog says what goes with it. */
export function DeleteButton(props: { kind: Kind; resource: ApiObject; parentId?: string; afterDelete: string; cascade?: { listeners: number; pools: number }; small?: boolean }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [cascade, setCascade] = useState(false);
  const [busy, setBusy] = useState(false);
  const children = props.cascade === undefined ? 0 : props.cascade.listeners + props.cascade.pools;
  const label = KINDS[props.kind].label;
  const verb = KINDS[props.kind].deleteVerb ?? 'Delete';
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.remove(itemPath(props.kind, props.resource.id, props.parentId), props.kind === 'loadbalancer' && cascade ? '?cascade=true' : '');
      dialog.current?.close();
      navigate(props.afterDelete);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" class={`danger${props.small ? ' small' : ''}`} onClick={() => dialog.current?.showModal()} aria-label={`${verb} ${label} ${title(props.resource)}`}>
        {verb}
      </button>
      <dialog ref={dialog} class="confirm" aria-labelledby={`del-${props.resource.id}`}>
        <form method="dialog" onSubmit={(e) => e.preventDefault()}>
          <h2 id={`del-${props.resource.id}`}>
            {verb} {label} {title(props.resource)}?
          </h2>
          {children > 0 && props.cascade ? (
            <>
              <p>
                It still has {props.cascade.listeners} listener{props.cascade.listeners === 1 ? '' : 's'} and {props.cascade.pools} pool{props.cascade.pools === 1 ? '' : 's'}. Deleting it
                needs <code>cascade</code>, which also deletes them with their members, health monitors and forwarding policies. Their traffic stops.
              </p>
              <label class="check">
                <input type="checkbox" checked={cascade} onChange={(e) => setCascade((e.currentTarget as HTMLInputElement).checked)} /> Delete everything below it too
              </label>
            </>
          ) : (
            <p>{DELETE_MEANS[props.kind] ?? 'This cannot be undone.'}</p>
          )}
          {error && (
            <p class="error" role="alert">
              {error}
            </p>
          )}
          <div class="actions">
            <button type="button" class="danger" disabled={busy || (children > 0 && !cascade)} onClick={confirm}>
              {busy ? `${verb}…` : verb}
            </button>
            <button type="button" onClick={() => dialog.current?.close()} autofocus>
              Cancel
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}

export function Section({ title: heading, action, children }: { title: string; action?: ComponentChildren; children: ComponentChildren }) {
  return (
    <section class="card">
      <div class="card-head">
        <h2>{heading}</h2>
        {action}
      </div>
      {children}
    </section>
  );
}

export function NewLink({ to, label }: { to: string; label: string }) {
  return (
    <a class="button primary small" href={href(to)}>
      + {label}
    </a>
  );
}

/** Resources as a table, one row each (data-id is the resource's id). */
export function ResourceTable({ rows, columns }: { rows: ApiObject[]; columns: [string, (row: ApiObject) => ComponentChildren][] }) {
  if (rows.length === 0) return <p class="muted">None yet.</p>;
  return (
    <div class="table-wrap">
      <table class="list">
        <thead>
          <tr>
            {columns.map(([name]) => (
              <th key={name}>{name}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id} data-id={row.id}>
              {columns.map(([name, cell]) => (
                <td key={name}>{cell(row)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
