// One field of a resource form: its label, the input its widget and rule call for, its help and
// the API's message about it. Every input is native (keyboard, autofill, screen readers).
import type { FieldRule, Rules, Choice } from './constraints';
import type { Field, Widget } from './schema';
import type { FormValue, FormValues } from './values';

export interface FieldRowProps {
  field: Field;
  path: string;
  values: FormValues;
  rules: Rules;
  errors: Record<string, string>;
  set: (path: string, value: FormValue) => void;
}

/** What every input of a field carries: its id, name, validity and the ids that describe it. */
interface InputProps {
  id: string;
  name: string;
  'aria-invalid': 'true' | undefined;
  'aria-describedby': string | undefined;
}

export function FieldRow(props: FieldRowProps) {
  const { field, path, values, rules, errors } = props;
  const rule: FieldRule = rules[path] ?? {};
  if (rule.hidden) return null;
  const id = `f-${path}`;
  const error = errors[path];
  if (field.widget.kind === 'object') return <NestedFields {...props} fields={field.widget.fields} id={id} error={error} />;
  const value = values[field.name] ?? '';
  const help = [field.description, rule.note].filter(Boolean).join(' ');
  const describedBy = [help ? `${id}-help` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const common: InputProps = { id, name: path, 'aria-invalid': error ? 'true' : undefined, 'aria-describedby': describedBy };
  const check = field.widget.kind === 'boolean';
  const input = check ? (
    <input type="checkbox" {...common} checked={value === true} onChange={(e) => props.set(path, (e.currentTarget as HTMLInputElement).checked)} />
  ) : (
    <FieldInput field={field} rule={rule} value={value} common={common} set={(v) => props.set(path, v)} />
  );
  const label = (
    <label for={id}>
      {field.name}
      {field.required && <span class="req" aria-label="required"> *</span>}
    </label>
  );
  return (
    <div class={`field${check ? ' check' : ''}${error ? ' invalid' : ''}`}>
      {check ? input : label}
      {check ? label : input}
      {help && <small id={`${id}-help`}>{help}</small>}
      <FieldError id={id} error={error} />
    </div>
  );
}

function FieldError({ id, error }: { id: string; error: string | undefined }) {
  if (!error) return null;
  return (
    <p class="error field-error" id={`${id}-error`} role="alert">
      {error}
    </p>
  );
}

function NestedFields(props: FieldRowProps & { fields: Field[]; id: string; error: string | undefined }) {
  const { field, path, id, error } = props;
  return (
    <fieldset class={`field nested${error ? ' invalid' : ''}`}>
      <legend>{field.name}</legend>
      <FieldError id={id} error={error} />
      {props.fields.map((sub) => (
        <FieldRow key={sub.name} field={sub} path={`${path}.${sub.name}`} values={(props.values[field.name] ?? {}) as FormValues} rules={props.rules} errors={props.errors} set={props.set} />
      ))}
    </fieldset>
  );
}

interface FieldInputProps {
  field: Field;
  rule: FieldRule;
  value: FormValue;
  common: InputProps;
  set: (value: FormValue) => void;
}

const TEXTAREA_PLACEHOLDER: Partial<Record<Widget['kind'], (widget: Widget) => string>> = {
  lines: () => 'one per line',
  rows: (widget) => `one per line: ${widget.kind === 'rows' ? widget.columns.join(' ') : ''}`,
  map: () => 'one "Name: value" per line',
  json: () => 'JSON',
};

/** The input a field's widget and rule call for: a select of choices, a number, a text area or a line of text. */
function FieldInput(props: FieldInputProps) {
  const { field, rule } = props;
  const widget = field.widget;
  const choices = rule.choices ?? (widget.kind === 'enum' ? widget.options.map((o) => ({ value: String(o), label: String(o) })) : undefined);
  if (choices !== undefined) return rule.multiple ? <MultiSelect {...props} choices={choices} /> : <Select {...props} choices={choices} />;
  if (widget.kind === 'integer' || widget.kind === 'number') return <NumberInput {...props} widget={widget} />;
  const textarea = TEXTAREA_PLACEHOLDER[widget.kind];
  if (textarea !== undefined || (widget.kind === 'text' && widget.multiline)) {
    return (
      <textarea
        {...props.common}
        rows={widget.kind === 'text' ? 8 : 3}
        value={String(props.value)}
        placeholder={rule.placeholder ?? textarea?.(widget)}
        spellcheck={false}
        onInput={(e) => props.set((e.currentTarget as HTMLTextAreaElement).value)}
      />
    );
  }
  return (
    <input
      type="text"
      {...props.common}
      value={String(props.value)}
      maxLength={widget.kind === 'text' ? widget.maxLength : undefined}
      placeholder={rule.placeholder ?? defaultText(field)}
      autoComplete="off"
      spellcheck={false}
      onInput={(e) => props.set((e.currentTarget as HTMLInputElement).value)}
    />
  );
}

/** An empty input's hint: the API's default, else the schema's example. */
const defaultText = (field: Field) => (field.default !== undefined && field.default !== null && field.default !== '' ? String(field.default) : field.example === undefined ? undefined : `e.g. ${field.example}`);

function MultiSelect({ common, value, choices, set }: FieldInputProps & { choices: Choice[] }) {
  const selected = new Set(Array.isArray(value) ? value : String(value).split('\n').filter(Boolean));
  return (
    <select {...common} multiple size={Math.min(6, Math.max(2, choices.length))} onChange={(e) => set([...(e.currentTarget as HTMLSelectElement).selectedOptions].map((o) => o.value))}>
      {choices.map((c) => (
        <option key={c.value} value={c.value} selected={selected.has(c.value)}>
          {c.label}
        </option>
      ))}
    </select>
  );
}

function Select({ field, common, value, choices, set }: FieldInputProps & { choices: Choice[] }) {
  const text = String(value);
  const known = choices.some((c) => c.value === text);
  return (
    <select {...common} value={text} onChange={(e) => set((e.currentTarget as HTMLSelectElement).value)}>
      <option value="">{field.required ? '— choose —' : '(none)'}</option>
      {!known && text !== '' && <option value={text}>{text}</option>}
      {choices.map((c) => (
        <option key={c.value} value={c.value}>
          {c.label}
        </option>
      ))}
    </select>
  );
}

function NumberInput({ field, rule, common, value, set, widget }: FieldInputProps & { widget: Extract<Widget, { kind: 'integer' | 'number' }> }) {
  return (
    <input
      type="number"
      inputMode="numeric"
      {...common}
      value={String(value)}
      min={widget.min}
      max={widget.max}
      step={widget.kind === 'integer' ? 1 : 'any'}
      placeholder={rule.placeholder ?? defaultText(field)}
      onInput={(e) => set((e.currentTarget as HTMLInputElement).value)}
    />
  );
}
