// The create and edit form of every resource, built from the API's schema (/openapi.json) and the
// spec's rules (constraints.ts). Errors from the API appear at the field they name.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, api, type ApiObject } from '../api/client';
import { navigate } from '../router';
import { collectionPath, consoleUrl, itemPath, KINDS, title, type Kind } from '../resources';
import { formRules, PRIMARY_FIELDS, type FieldRule, type FormContext, type Rules } from './constraints';
import { formFields, type Field } from './schema';
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

/** Console-side starting values that make a first load balancer one click away. */
const CREATE_DEFAULTS: Partial<Record<Kind, Record<string, string>>> = {
  loadbalancer: { vip_subnet_id: 'local' },
};

async function loadContext(props: ResourceFormProps): Promise<FormContext> {
  const [loadbalancers, listeners, pools, certificates, ipgroups] = await Promise.all(
    ['loadbalancers', 'listeners', 'pools', 'certificates', 'ipgroups'].map((c) => api.list(c)),
  );
  const info = KINDS[props.kind];
  const resource = props.id === undefined ? undefined : await api.show(itemPath(props.kind, props.id, props.parentId));
  const parentCollection = info.parent === 'pool_id' ? 'pools' : info.parent === 'l7policy_id' ? 'l7policies' : undefined;
  const parent = parentCollection && props.parentId ? await api.show(`${parentCollection}/${encodeURIComponent(props.parentId)}`) : undefined;
  return { loadbalancers: loadbalancers ?? [], listeners: listeners ?? [], pools: pools ?? [], certificates: certificates ?? [], ipgroups: ipgroups ?? [], resource, parent };
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
    Promise.all([formFields(`${info.schema}${mode === 'create' ? 'Create' : 'Update'}`), loadContext(props)])
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

  const rules: Rules = useMemo(() => (loaded ? formRules(kind, values, loaded.context, mode) : {}), [loaded, values]);

  if (loadError !== null) return <p class="error" role="alert">{loadError}</p>;
  if (loaded === null) return <p class="muted">Loading…</p>;

  const { fields, context, initial } = loaded;
  const hiddenNames = new Set(fields.filter((f) => rules[f.name]?.hidden || f.name in props.preset).map((f) => f.name));
  const visible = fields.filter((f) => !hiddenNames.has(f.name));
  const primary = new Set(PRIMARY_FIELDS[kind]);
  const order = (f: Field) => (PRIMARY_FIELDS[kind].includes(f.name) ? PRIMARY_FIELDS[kind].indexOf(f.name) : -1);
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
      const saved: ApiObject =
        mode === 'create'
          ? await api.create(collectionPath(kind, props.parentId), info.singular, body)
          : await api.update(itemPath(kind, props.id ?? '', props.parentId), info.singular, body);
      navigate(afterSave(kind, saved, props));
    } catch (err) {
      if (err instanceof ApiError) {
        const at = err.field === undefined ? undefined : fieldFor(err.field, visible);
        if (at !== undefined) {
          setErrors({ [at]: err.message });
          document.getElementById(`f-${at}`)?.focus();
        } else setFormError(err.message);
      } else setFormError(err instanceof Error ? err.message : String(err));
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

interface FieldRowProps {
  field: Field;
  path: string;
  values: FormValues;
  rules: Rules;
  errors: Record<string, string>;
  set: (path: string, value: FormValue) => void;
}

function FieldRow({ field, path, values, rules, errors, set }: FieldRowProps) {
  const rule: FieldRule = rules[path] ?? {};
  if (rule.hidden) return null;
  const value = values[field.name] ?? '';
  const id = `f-${path}`;
  const error = errors[path];
  const help = [field.description, rule.note].filter(Boolean).join(' ');
  const describedBy = [help ? `${id}-help` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const common = { id, name: path, 'aria-invalid': error ? ('true' as const) : undefined, 'aria-describedby': describedBy };
  const label = (
    <label for={id}>
      {field.name}
      {field.required && <span class="req" aria-label="required"> *</span>}
    </label>
  );
  const widget = field.widget;

  let input;
  if (widget.kind === 'object') {
    return (
      <fieldset class={`field nested${error ? ' invalid' : ''}`}>
        <legend>{field.name}</legend>
        {error && <p class="error field-error" id={`${id}-error`} role="alert">{error}</p>}
        {widget.fields.map((sub) => (
          <FieldRow key={sub.name} field={sub} path={`${path}.${sub.name}`} values={value as FormValues} rules={rules} errors={errors} set={set} />
        ))}
      </fieldset>
    );
  }
  if (widget.kind === 'boolean') {
    return (
      <div class={`field check${error ? ' invalid' : ''}`}>
        <input type="checkbox" {...common} checked={value === true} onChange={(e) => set(path, (e.currentTarget as HTMLInputElement).checked)} />
        {label}
        {help && <small id={`${id}-help`}>{help}</small>}
        {error && <p class="error field-error" id={`${id}-error`} role="alert">{error}</p>}
      </div>
    );
  }
  const choices = rule.choices ?? (widget.kind === 'enum' ? widget.options.map((o) => ({ value: String(o), label: String(o) })) : undefined);
  if (choices !== undefined && rule.multiple) {
    const selected = new Set(Array.isArray(value) ? value : String(value).split('\n').filter(Boolean));
    input = (
      <select {...common} multiple size={Math.min(6, Math.max(2, choices.length))} onChange={(e) => set(path, [...(e.currentTarget as HTMLSelectElement).selectedOptions].map((o) => o.value))}>
        {choices.map((c) => (
          <option value={c.value} selected={selected.has(c.value)}>
            {c.label}
          </option>
        ))}
      </select>
    );
  } else if (choices !== undefined) {
    const text = String(value);
    const known = choices.some((c) => c.value === text);
    input = (
      <select {...common} value={text} onChange={(e) => set(path, (e.currentTarget as HTMLSelectElement).value)}>
        <option value="">{field.required ? '— choose —' : '(none)'}</option>
        {!known && text !== '' && <option value={text}>{text}</option>}
        {choices.map((c) => (
          <option value={c.value}>{c.label}</option>
        ))}
      </select>
    );
  } else if (widget.kind === 'integer' || widget.kind === 'number') {
    input = (
      <input
        type="number"
        inputMode="numeric"
        {...common}
        value={String(value)}
        min={widget.min}
        max={widget.max}
        step={widget.kind === 'integer' ? 1 : 'any'}
        placeholder={rule.placeholder ?? (field.default !== undefined ? String(field.default) : undefined)}
        onInput={(e) => set(path, (e.currentTarget as HTMLInputElement).value)}
      />
    );
  } else if ((widget.kind === 'text' && widget.multiline) || widget.kind === 'lines' || widget.kind === 'rows' || widget.kind === 'map' || widget.kind === 'json') {
    const placeholder =
      widget.kind === 'lines' ? 'one per line' : widget.kind === 'rows' ? `one per line: ${widget.columns.join(' ')}` : widget.kind === 'map' ? 'one "Name: value" per line' : widget.kind === 'json' ? 'JSON' : undefined;
    input = (
      <textarea {...common} rows={widget.kind === 'text' ? 8 : 3} value={String(value)} placeholder={rule.placeholder ?? placeholder} spellcheck={false} onInput={(e) => set(path, (e.currentTarget as HTMLTextAreaElement).value)} />
    );
  } else {
    input = (
      <input
        type="text"
        {...common}
        value={String(value)}
        maxLength={widget.kind === 'text' ? widget.maxLength : undefined}
        placeholder={rule.placeholder ?? (field.default !== undefined && field.default !== null ? String(field.default) : undefined)}
        autoComplete="off"
        spellcheck={false}
        onInput={(e) => set(path, (e.currentTarget as HTMLInputElement).value)}
      />
    );
  }
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      {label}
      {input}
      {help && <small id={`${id}-help`}>{help}</small>}
      {error && <p class="error field-error" id={`${id}-error`} role="alert">{error}</p>}
    </div>
  );
}
