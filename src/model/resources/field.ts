// How the resource catalog declares a field: everything elbow knows about it, stated once. The
// request schemas, the model types, the defaults, the immutable-field rule, the API views,
// /openapi.json, the CLI options, docs/api.md's field tables and the snapshot's copied fields are
// all derived from these declarations (catalog.ts); test/unit/model/catalog-consumption.test.ts
// checks that every field a client can set either reaches the snapshot or says why not.

import { Type, type Static, type TLiteral, type TSchema, type TUnion } from '@sinclair/typebox';
import type { ResourceKind } from '../types.js';

/** In a create body: must be given, may be given (the default applies), or not accepted. */
export type CreateMode = 'required' | 'optional' | 'no';
/** In an update body: may change, may only repeat its current value (fixed after create), or not accepted. */
export type UpdateMode = 'yes' | 'fixed' | 'no';

/** How the CLI parses an option value (src/cli/field-values.ts). */
export type CliType = 'string' | 'int' | 'number' | 'bool' | 'list' | 'json' | 'file' | 'iplist';

export interface CliOption {
  /** The flag without `--`; default: the field in kebab case (`_id` dropped from references). */
  readonly option?: string;
  /** How the value is parsed; default: from the schema. */
  readonly type?: CliType;
}

/** A snapshot property build-snapshot.ts computes from the field (resolved references, converted units, fallbacks). */
export interface SnapshotBuilt {
  /** Where it lands, as a path from the snapshot's root: `listeners[].tls.defaultCertificate`. */
  readonly path: string;
  /** How, in a few words. */
  readonly via: string;
}

export interface FieldSpec {
  /** The value as stored and shown (and accepted, unless `input` says otherwise). */
  readonly schema: TSchema;
  /** One line for people: the OpenAPI description, docs/api.md and the CLI option's help. */
  readonly doc: string;
  /** What a request body may carry when it differs from the stored shape (e.g. nested keys that default). */
  readonly input?: TSchema;
  /** The value when a create body leaves it out. None: required, or computed by the handler (`defaultDoc`). */
  readonly default?: unknown;
  /** Says how the handler computes the default when it depends on other fields. */
  readonly defaultDoc?: string;
  /** Default 'optional'. */
  readonly create?: CreateMode;
  /** Default 'yes'. */
  readonly update?: UpdateMode;
  /** null in a body means "back to the default" (Octavia's _set_default_on_none); the body accepts null. */
  readonly nullResets?: boolean;
  /** Whether the API shows it; default true (private keys are not). */
  readonly shown?: boolean;
  /** Whether it is stored; default true. False for instructions such as a pool's listener_id at create. */
  readonly stored?: boolean;
  /** In a view, whether it may be absent (only present when it applies). */
  readonly optional?: boolean;
  /** The value is the id of a resource of this kind (the CLI takes a name or an id). */
  readonly ref?: ResourceKind;
  /** The CLI option; false: not offered. Default: an option for every field a body accepts. */
  readonly cli?: CliOption | false;
  /**
   * Where the snapshot takes it. A path string: copied as is into the resource's snapshot part at
   * that path (and typed there from the schema), e.g. `timeouts.clientData` of SnapshotListener.
   * A SnapshotBuilt: build-snapshot.ts derives that snapshot property from it.
   */
  readonly snapshot?: string | SnapshotBuilt;
  /**
   * Why no data plane applies it. Every field a client can set declares `snapshot`, `ignored`, or
   * both (carried in the snapshot for the engines, applied by none yet).
   */
  readonly ignored?: string;
  /** A valid value other than the default, for /openapi.json and the consumption test. */
  readonly example?: unknown;
  /** The field means something only when another field has one of these values; set elsewhere it is a 400. */
  readonly appliesWhen?: { readonly field: string; readonly values: readonly string[] };
  /**
   * At create, the body may nest resources of this kind, created with it in the same transaction
   * (Octavia's single-call create: a load balancer's `listeners`, a pool's `members`…): one object
   * (`many: false`) or a list. Their body is the kind's create body without its `fromParent` fields.
   */
  readonly nests?: { readonly kind: ResourceKind; readonly many: boolean };
  /** When the resource is nested in its parent's create body, the parent gives this field (it is not accepted there). */
  readonly fromParent?: boolean;
}

export type Fields = Readonly<Record<string, FieldSpec>>;

// ---- schemas shared by several resources ----

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
export const Enum = <const T extends readonly string[]>(values: T): TUnion<TLiteral<T[number]>[]> => Type.Union(values.map((v) => Type.Literal(v)));

export const Id = Type.String({ minLength: 1, maxLength: 255 });
export const Ref = Nullable(Type.String({ maxLength: 255 }));
export const PORT_RANGE = { minimum: 1, maximum: 65535 } as const;
/** Ports get their own error, INVALID_PORT (rules/port-range.ts). */
export const Port = Type.Integer(PORT_RANGE);
/**
 * Text meant for people (names, descriptions, tags) has no control characters: a NUL or an escape
 * sequence stored there reaches terminals, logs and other systems' C strings (schemas.ts explains it
 * in the 400).
 */
export const NO_CONTROL_CHARACTERS = '^[^\\u0000-\\u001f\\u007f-\\u009f]*$';
/** A string for people: no control characters, at most maxLength (and at least minLength) characters. */
export const HumanText = (options: { maxLength: number; minLength?: number }) => Type.String({ ...options, pattern: NO_CONTROL_CHARACTERS });
export const Text255 = HumanText({ maxLength: 255 });
/**
 * Longest timeout a client may set, in milliseconds: Octavia's bound, 24 days. Node's timers hold
 * at most 2^31-1 ms; a longer delay silently becomes 1 ms, which would reset every connection.
 */
export const TIMEOUT_MAX_MS = 2_073_600_000;
/** The same bound for the fields counted in seconds (health monitor delay and timeout, persistence_timeout). */
export const TIMEOUT_MAX_SECONDS = TIMEOUT_MAX_MS / 1000;
/** Seconds, 0 up to TIMEOUT_MAX_SECONDS. */
export const TimeoutSeconds = Type.Integer({ minimum: 0, maximum: TIMEOUT_MAX_SECONDS });
/** Milliseconds, 0 up to TIMEOUT_MAX_MS. */
export const TimeoutMs = Type.Integer({ minimum: 0, maximum: TIMEOUT_MAX_MS });
export const IdRefs = Type.Array(Type.Object({ id: Type.String() }));
export const StringList = Type.Array(HumanText({ maxLength: 255 }));
export const TlsVersions = Nullable(Type.Array(Type.String({ maxLength: 32 })));
export const AlpnProtocols = Nullable(Type.Array(Type.String({ maxLength: 32 })));
export const TlsCiphers = Nullable(Type.String({ maxLength: 2048 }));

/** Why labels are not configuration of the data plane. */
export const LABEL = 'a label for people and API filters; traffic does not depend on it';

// ---- fields most resources share ----

/** Spread and add where the snapshot takes it (or `ignored: LABEL`). */
export const nameField = {
  schema: Text255,
  default: '',
  nullResets: true,
  doc: 'Human-readable name',
} as const satisfies FieldSpec;

export const descriptionField = {
  schema: Text255,
  default: '',
  nullResets: true,
  doc: 'Description',
  ignored: LABEL,
} as const satisfies FieldSpec;

/** Spread and add where the snapshot takes it. */
export const adminStateUpField = {
  schema: Type.Boolean(),
  default: true,
  doc: 'Administrative state: false takes it out of service without deleting it',
} as const satisfies FieldSpec;

export const tagsField = {
  schema: StringList,
  default: [],
  doc: 'Tags (Octavia list filters `tags`, `tags-any`, `not-tags`, `not-tags-any` match them)',
  ignored: LABEL,
} as const satisfies FieldSpec;

/** A resource view's relation to others, derived when rendering (never set by a client). */
export function relation(doc: string): { readonly schema: typeof IdRefs; readonly doc: string; readonly create: 'no'; readonly update: 'no' } {
  return { schema: IdRefs, doc, create: 'no', update: 'no' };
}

/** What the data plane makes of a field that nests resources: nothing itself, its resources are created. */
export const NESTED_AT_CREATE = 'an instruction at create: the nested resources are created with it, in the same transaction';

/** A relation a create body may also fill with new resources to create with it (Octavia's single-call create). */
export function nestingRelation<const K extends ResourceKind>(
  doc: string,
  kind: K,
): { readonly schema: typeof IdRefs; readonly doc: string; readonly create: 'optional'; readonly update: 'no'; readonly nests: { readonly kind: K; readonly many: true }; readonly cli: false; readonly ignored: string } {
  return { schema: IdRefs, doc, create: 'optional', update: 'no', nests: { kind, many: true }, cli: false, ignored: NESTED_AT_CREATE };
}

/** A create-only field holding one nested resource to create with this one; neither stored nor shown. */
export function nestedOne<const K extends ResourceKind>(
  doc: string,
  kind: K,
): { readonly schema: TSchema; readonly doc: string; readonly create: 'optional'; readonly update: 'no'; readonly stored: false; readonly shown: false; readonly nests: { readonly kind: K; readonly many: false }; readonly cli: false; readonly ignored: string } {
  return { schema: Type.Object({}), doc, create: 'optional', update: 'no', stored: false, shown: false, nests: { kind, many: false }, cli: false, ignored: NESTED_AT_CREATE };
}

/** A value the server sets and shows (never set by a client). */
export function output<S extends TSchema>(schema: S, doc: string): { readonly schema: S; readonly doc: string; readonly create: 'no'; readonly update: 'no' } {
  return { schema, doc, create: 'no', update: 'no' };
}

export const PROVISIONING_STATUSES = ['ACTIVE', 'ERROR', 'DELETED', 'PENDING_CREATE', 'PENDING_UPDATE', 'PENDING_DELETE'] as const;
export const OPERATING_STATUSES = ['ONLINE', 'OFFLINE', 'DEGRADED', 'ERROR', 'NO_MONITOR', 'DRAINING'] as const;

/** Fields every stored resource has, set by the server. */
export const BASE_FIELDS = {
  id: output(Type.String(), 'Unique id (a UUID)'),
  project_id: output(
    Type.String(),
    "Project: a load balancer's (and a certificate's, an IP group's) is the create body's project_id, else the request's X-Project-Id header, else the server's (\"elbow\"); the resources below a load balancer take its project",
  ),
  created_at: output(Type.String(), 'Creation time, `YYYY-MM-DDTHH:MM:SS` (UTC)'),
  updated_at: output(Nullable(Type.String()), 'Time of the last update; null before the first'),
} as const satisfies Fields;

/**
 * The statuses of resources that have them, as Octavia shows them. Never stored: each read
 * computes them from the configuration and what the data plane runs (control/statuses.ts).
 */
export const STATUS_FIELDS = {
  provisioning_status: { ...output(Enum(PROVISIONING_STATUSES), 'ACTIVE once a change is applied; ERROR with provisioning_status_reason when it could not be'), stored: false },
  operating_status: { ...output(Enum(OPERATING_STATUSES), 'Health as the data plane sees it, rolled up member → pool → listener → load balancer'), stored: false },
} as const satisfies Fields;

/** Fields Octavia clients may send that elbow accepts and ignores: the project comes from the server. */
export const IGNORED_INPUT = {
  project_id: Type.Optional(Type.String({ maxLength: 255 })),
  tenant_id: Type.Optional(Type.String({ maxLength: 255 })),
};

export const OPERATIONS = ['create', 'list', 'show', 'update', 'delete'] as const;
export type Operation = (typeof OPERATIONS)[number];

/** Everything the catalog says about one resource kind besides its fields. */
export interface ResourceSpec<F extends Fields = Fields, K extends ResourceKind = ResourceKind> {
  readonly kind: K;
  /** For people: "load balancer", "l7 rule (forwarding rule)". */
  readonly title: string;
  /** API path below the prefix, e.g. `pools/:pool_id/members`. */
  readonly collectionPath: string;
  /** Envelope key of one resource: `{"member": {...}}`. */
  readonly singular: string;
  /** Envelope key of a list and its path segment: `{"members": [...]}`. */
  readonly plural: string;
  /** Sub-resources live under their parent's path and need its id. */
  readonly parent?: { readonly kind: 'pool' | 'l7policy'; readonly field: 'pool_id' | 'l7policy_id' };
  /**
   * Nested in another create body, it may be just `{"name": …}`: a reference to one defined
   * elsewhere in the same body (Octavia's pools in a single-call create), so no field is required there.
   */
  readonly nestedByName?: boolean;
  /** Whether it has provisioning_status and operating_status. */
  readonly hasStatus: boolean;
  /**
   * The API's operations on it (the CRUD routes, the OpenAPI paths and the CLI commands); default
   * all five. Quotas are never created: PUT sets a project's, DELETE resets it (their own routes).
   */
  readonly operations?: readonly Operation[];
  /**
   * Where its fields land in the snapshot, from the root: `listeners[]` (each listener),
   * `pools{}.members[]`. Every `snapshot` path of its fields is relative to it ('' = the part itself).
   */
  readonly snapshotPart: string;
  readonly cli: {
    /** One line for `elbow --help`. */
    readonly description: string;
    readonly alias?: string;
    /** Columns of `list`, besides id and the statuses. */
    readonly columns: readonly string[];
  };
  readonly fields: F;
}

/** Declares one resource kind; keeps the literal types the derived types are computed from. */
export function defineResource<const F extends Fields, const K extends ResourceKind>(spec: ResourceSpec<F, K>): ResourceSpec<F, K> {
  return spec;
}

// ---- types derived from declarations ----

type KeysWhere<F, Condition> = { [K in keyof F]: F[K] extends Condition ? K : never }[keyof F];
type SchemaOf<D> = D extends { readonly schema: infer S extends TSchema } ? S : never;

/** The stored shape of a field set: one property per stored field, typed by its schema. */
export type StoredFields<F> = { -readonly [K in Exclude<keyof F, KeysWhere<F, { stored: false }>>]: Static<SchemaOf<F[K]>> };

/** The fields with a declared default, typed as stored: what the control plane spreads under a create body. */
export type DefaultsOf<F> = { readonly [K in Exclude<KeysWhere<F, { default: unknown }>, KeysWhere<F, { stored: false }>>]: Static<SchemaOf<F[K]>> };

/** The part of a field set that has declared defaults. */
export type DefaultedFields<F> = Pick<F, Exclude<KeysWhere<F, { default: unknown }>, KeysWhere<F, { stored: false }>>>;

/** The fields whose null in a body means "back to the default". */
export type NullResetKeys<F> = KeysWhere<F, { nullResets: true }>;

/** A resource nested in a create body, validated by the nested kind's schema (catalog.ts). */
export type NestedBody = Readonly<Record<string, unknown>>;

/** What a body may carry for one field. */
export type InputOf<D> = D extends { readonly nests: { readonly many: true } }
  ? NestedBody[]
  : D extends { readonly nests: object }
    ? NestedBody | null
    : D extends { readonly input: infer I extends TSchema }
  ? Static<I>
      : D extends { readonly nullResets: true }
        ? Static<SchemaOf<D>> | null
        : Static<SchemaOf<D>>;

type IgnoredInput = { project_id?: string; tenant_id?: string };
type NotAccepted = { create: 'no' };

/** A create body: required fields present, other accepted fields optional. */
export type CreateBodyOf<F> = { -readonly [K in KeysWhere<F, { create: 'required' }>]: InputOf<F[K]> } & {
  -readonly [K in Exclude<keyof F, KeysWhere<F, { create: 'required' }> | KeysWhere<F, NotAccepted>>]?: InputOf<F[K]>;
} & IgnoredInput;

/** An update body: every accepted field optional. */
export type UpdateBodyOf<F> = { -readonly [K in Exclude<keyof F, KeysWhere<F, { update: 'no' }>>]?: InputOf<F[K]> } & IgnoredInput;

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type AtPath<P extends string, V> = P extends `${infer Head}.${infer Rest}` ? { readonly [K in Head]: AtPath<Rest, V> } : { readonly [K in P]: V };

/**
 * The snapshot properties copied from a field set (those declaring `snapshot: 'path'`), as one
 * object type: `{ timeouts: { clientData: number } } & …`. build-snapshot.ts copies them.
 */
export type CopiedToSnapshot<F> = UnionToIntersection<
  { [K in keyof F]: F[K] extends { readonly snapshot: infer P extends string } ? AtPath<P, Static<SchemaOf<F[K]>>> : never }[keyof F]
>;
