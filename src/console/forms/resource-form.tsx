// The create and edit form of every resource, built from the API's schema (/openapi.json) and the
// spec's rules (constraints.ts). Errors from the API appear at the field they name.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, api, type ApiObject } from '../api/client';
import { navigate } from '../router';
import { consoleUrl, itemPath, KINDS, title, type Kind } from '../resources';
import { formRules, mergeRules, PRIMARY_FIELDS, referenceRules, type FormContext, type Rules } from './constraints';
import { FieldRow } from './field-row';
import { kindFields, save } from './kind-io';
import type { Field } from './schema';
import { FieldInputError, initialValues, requestBody, type FormValue, type FormValues } from './values';

export interface ResourceFormProps {
  kind: Kind;
  mode: 'create' | 'update';
  id?: string;
  /** The pool of a member, the policy of a rule. */
  parentId?: string;
  /** Fields fixed by where the form was opened from (loadbalancer_id=… in the URL): hidden, sent. */
  preset: Record<string, string>;
}

/** Console-side starting values that make a first load balancer (or profile: elbow is the one provider) one click away. */
const CREATE_DEFAULTS: Partial<Record<Kind, Record<string, string>>> = {
  loadbalancer: { vip_subnet_id: 'local' },
  flavorprofile: { provider_name: 'elbow' },
  availabilityzoneprofile: { provider_name: 'elbow' },
};

/** The kinds every form may offer (constraints.ts); others are loaded when a field names them. */
const ALWAYS_LOADED = new Set(['loadbalancer', 'listener', 'pool', 'certificate', 'ipgroup']);

async function loadContext(props: ResourceFormProps, fields: readonly Field[]): Promise<FormContext> {
  const [loadbalancers, listeners, pools, certificates, ipgroups] = await Promise.all(
    ['loadbalancers', 'listeners', 'pools', 'certificates', 'ipgroups'].map((c) => api.list(c)),
  );
  const referenced = [...new Set(fields.map((f) => f.ref).filter((ref): ref is Kind => ref !== undefined && !ALWAYS_LOADED.has(ref) && ref in KINDS))];
  const references = Object.fromEntries(await Promise.all(referenced.map(async (ref) => [ref, await api.list(KINDS[ref].collection)] as const)));
  const info = KINDS[props.kind];
  const resource = props.id === undefined ? undefined : await api.show(itemPath(props.kind, props.id, props.parentId));
  const parentCollection = info.parent === 'pool_id' ? 'pools' : info.parent === 'l7policy_id' ? 'l7policies' : undefined;
  const parent = parentCollection && props.parentId ? await api.show(`${parentCollection}/${encodeURIComponent(props.parentId)}`) : undefined;
  return { loadbalancers: loadbalancers ?? [], listeners: listeners ?? [], pools: pools ?? [], certificates: certificates ?? [], ipgroups: ipgroups ?? [], resource, parent, references };
}

export function ResourceForm(props: ResourceFormProps) {
  const { kind, mode } = props;
  const info = KINDS[kind];
  const [loaded, setLoaded] = useState<{ fields: Field[]; context: FormContext; initial: FormValues } | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [values, setValues] = useState<FormValues>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    kindFields(kind, mode)
      .then(async (fields) => [fields, await loadContext(props, fields)] as const)
      .then(([fields, context]) => {
        if (!live) return;
        const initial = initialValues(fields, context.resource, mode === 'create');
        if (mode === 'create') Object.assign(initial, CREATE_DEFAULTS[kind] ?? {}, props.preset);
        setLoaded({ fields, context, initial });
        setValues(initial);
      })
      .catch((err: unknown) => live && setLoadError(err instanceof Error ? err.message : String(err)));
    return () => {
      live = false;
    };
  }, [kind, mode, props.id, props.parentId, JSON.stringify(props.preset)]);

  const rules: Rules = useMemo(() => (loaded ? mergeRules(referenceRules(loaded.fields, loaded.context), formRules(kind, values, loaded.context, mode)) : {}), [loaded, values]);

  if (loadError !== null) return <p class="error" role="alert">{loadError}</p>;
  if (loaded === null) return <p class="muted">Loading…</p>;

  const { fields, context, initial } = loaded;
  const hiddenNames = new Set(fields.filter((f) => rules[f.name]?.hidden || f.name in props.preset).map((f) => f.name));
  const visible = fields.filter((f) => !hiddenNames.has(f.name));
  const primaryNames = PRIMARY_FIELDS[kind] ?? fields.map((f) => f.name);
  const primary = new Set(primaryNames);
  const order = (f: Field) => primaryNames.indexOf(f.name);
  const first = visible.filter((f) => f.required || primary.has(f.name)).sort((a, b) => order(a) - order(b));
  const more = visible.filter((f) => !(f.required || primary.has(f.name)));
  const heading = mode === 'create' ? `New ${info.label}` : `Edit ${info.label} ${context.resource ? title(context.resource) : ''}`;

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    setErrors({});
    setFormError(null);
    let body: Record<string, unknown>;
    try {
      // Preset fields are sent even though hidden.
      const hiddenUnsent = new Set([...hiddenNames].filter((n) => !(n in props.preset)));
      body = requestBody(fields, values, initial, mode, hiddenUnsent);
    } catch (err) {
      if (err instanceof FieldInputError) return setErrors({ [err.field]: err.message });
      throw err;
    }
    setBusy(true);
    try {
      navigate(afterSave(kind, await save(kind, mode, props, body), props));
    } catch (err) {
      const at = err instanceof FieldInputError ? err.field : err instanceof ApiError && err.field !== undefined ? fieldFor(err.field, visible) : undefined;
      const message = err instanceof Error ? err.message : String(err);
      if (at !== undefined) {
        setErrors({ [at]: message });
        document.getElementById(`f-${at}`)?.focus();
      } else setFormError(message);
    } finally {
      setBusy(false);
    }
  };

  const set = (path: string, value: FormValue) => setValues((old) => setPath(old, path, value));

  return (
    <form class="resource-form" onSubmit={onSubmit} noValidate aria-labelledby="form-title">
      <h1 id="form-title">{heading}</h1>
      {formError !== null && (
        <p class="error banner" role="alert">
          {formError}
        </p>
      )}
      <div class="fields">{first.map((f) => <FieldRow key={f.name} field={f} path={f.name} values={values} rules={rules} errors={errors} set={set} />)}</div>
      {more.length > 0 && (
        <details class="more" open={more.some((f) => errors[f.name] !== undefined)}>
          <summary>More settings ({more.length})</summary>
          <div class="fields">{more.map((f) => <FieldRow key={f.name} field={f} path={f.name} values={values} rules={rules} errors={errors} set={set} />)}</div>
        </details>
      )}
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Saving…' : mode === 'create' ? 'Create' : 'Save'}
        </button>
        <button type="button" onClick={() => history.back()}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function afterSave(kind: Kind, saved: ApiObject, props: ResourceFormProps): string {
  switch (kind) {
    case 'member':
      return `/pools/${props.parentId ?? ''}`;
    case 'l7rule':
      return `/l7policies/${props.parentId ?? ''}`;
    case 'healthmonitor':
      return `/pools/${String(saved.pool_id ?? (saved.pools as { id: string }[] | undefined)?.[0]?.id ?? '')}`;
    default:
      return consoleUrl(kind, saved.id);
  }
}

/** `ip_list[0].ip` → `ip_list`; `session_persistence.cookie_name` stays when that sub-field is shown. */
function fieldFor(apiField: string, visible: Field[]): string | undefined {
  const top = apiField.split(/[.[]/)[0] ?? apiField;
  const field = visible.find((f) => f.name === top);
  if (field === undefined) return undefined;
  const sub = apiField.slice(top.length + 1);
  if (field.widget.kind === 'object' && field.widget.fields.some((f) => f.name === sub)) return apiField;
  return top;
}

function setPath(values: FormValues, path: string, value: FormValue): FormValues {
  const [head = '', ...rest] = path.split('.');
  if (rest.length === 0) return { ...values, [head]: value };
  return { ...values, [head]: setPath((values[head] as FormValues | undefined) ?? {}, rest.join('.'), value) };
}

