// The console's shell: sign-in, navigation, theme, and which page each URL shows.
import type { VNode } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { token, tokenWorks, whenUnauthorized } from './api/client';
import { ResourceForm } from './forms/resource-form';
import { ADMIN_KINDS, KINDS, type Kind } from './resources';
import { href, match, navigate, useLocation } from './router';
import { AdminPage, AmphoraList, AmphoraPage, KindList, KindPage, ProvidersPage } from './views/admin';
import { NodeList, NodePage } from './views/nodes';
import { CertificateList, IpGroupList, ListenerPage, LoadBalancerList, LoadBalancerPage, PolicyPage, PoolPage, SimplePage } from './views/pages';

type Theme = 'light' | 'dark';
const THEME_KEY = 'elbow.theme';

function initialTheme(): Theme {
  const saved = localStorage.getItem(THEME_KEY);
  if (saved === 'light' || saved === 'dark') return saved;
  return window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function App() {
  const location = useLocation();
  const [theme, setTheme] = useState<Theme>(initialTheme);
  const [signedIn, setSignedIn] = useState(token.get() !== null);

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    localStorage.setItem(THEME_KEY, theme);
  }, [theme]);

  useEffect(() => {
    whenUnauthorized(() => {
      token.clear();
      setSignedIn(false);
    });
  }, []);

  if (!signedIn) return <SignIn onSignedIn={() => setSignedIn(true)} />;

  const section = location.path.split('/')[1] ?? '';
  const nav = [
    ['', 'Load balancers'],
    ['certificates', 'Certificates'],
    ['ipgroups', 'IP groups'],
    ['nodes', 'Nodes'],
    ['admin', 'Admin'],
  ] as const;
  const current = sectionOf(section);
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href={href('/')}>
          elbow
        </a>
        <nav aria-label="main">
          {nav.map(([path, label]) => (
            <a key={path} href={href(`/${path}`)} aria-current={current === path ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        <div class="tools">
          <button type="button" class="ghost" onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')} aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}>
            {theme === 'dark' ? '☀' : '☾'}
          </button>
          <button
            type="button"
            class="ghost"
            onClick={() => {
              token.clear();
              setSignedIn(false);
            }}
          >
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Page path={location.path} query={location.query} theme={theme} />
      </main>
    </>
  );
}

/** The navigation entry a page belongs to. */
function sectionOf(section: string): string {
  if (['listeners', 'pools', 'l7policies', 'healthmonitors', 'loadbalancers'].includes(section)) return '';
  if (['providers', 'amphorae', ...ADMIN_KINDS.map((k) => KINDS[k].collection)].includes(section)) return 'admin';
  return section;
}

/** Forms: `/<collection>/new` and `/<collection>/<id>/edit`, members and rules under their parent. */
const FORM_ROUTES: [string, Kind, 'create' | 'update'][] = [
  ['/loadbalancers/new', 'loadbalancer', 'create'],
  ['/loadbalancers/:id/edit', 'loadbalancer', 'update'],
  ['/listeners/new', 'listener', 'create'],
  ['/listeners/:id/edit', 'listener', 'update'],
  ['/pools/new', 'pool', 'create'],
  ['/pools/:id/edit', 'pool', 'update'],
  ['/pools/:parent/members/new', 'member', 'create'],
  ['/pools/:parent/members/:id/edit', 'member', 'update'],
  ['/healthmonitors/new', 'healthmonitor', 'create'],
  ['/healthmonitors/:id/edit', 'healthmonitor', 'update'],
  ['/l7policies/new', 'l7policy', 'create'],
  ['/l7policies/:id/edit', 'l7policy', 'update'],
  ['/l7policies/:parent/rules/new', 'l7rule', 'create'],
  ['/l7policies/:parent/rules/:id/edit', 'l7rule', 'update'],
  ['/certificates/new', 'certificate', 'create'],
  ['/certificates/:id/edit', 'certificate', 'update'],
  ['/ipgroups/new', 'ipgroup', 'create'],
  ['/ipgroups/:id/edit', 'ipgroup', 'update'],
  ...ADMIN_KINDS.flatMap((kind): [string, Kind, 'create' | 'update'][] => [
    [`/${KINDS[kind].collection}/new`, kind, 'create'],
    [`/${KINDS[kind].collection}/:id/edit`, kind, 'update'],
  ]),
];

type Params = Record<string, string>;
interface PageProps {
  params: Params;
  query: URLSearchParams;
  theme: Theme;
}

/** Every other page: its URL pattern and what it shows. */
const PAGE_ROUTES: [string, (props: PageProps) => VNode][] = [
  ['/', () => <LoadBalancerList />],
  ['/loadbalancers', () => <LoadBalancerList />],
  ['/loadbalancers/:id', ({ params }) => <LoadBalancerPage id={params.id ?? ''} />],
  ['/listeners/:id', ({ params, theme }) => <ListenerPage id={params.id ?? ''} theme={theme} />],
  ['/pools/:id', ({ params }) => <PoolPage id={params.id ?? ''} />],
  ['/l7policies/:id', ({ params }) => <PolicyPage id={params.id ?? ''} />],
  ['/certificates', () => <CertificateList />],
  ['/certificates/:id', ({ params }) => <SimplePage kind="certificate" id={params.id ?? ''} />],
  ['/ipgroups', () => <IpGroupList />],
  ['/ipgroups/:id', ({ params }) => <SimplePage kind="ipgroup" id={params.id ?? ''} />],
  ['/nodes', () => <NodeList />],
  ['/nodes/:name', ({ params }) => <NodePage name={params.name ?? ''} />],
  ['/admin', () => <AdminPage />],
  ['/providers', () => <ProvidersPage />],
  ['/amphorae', ({ query }) => <AmphoraList loadbalancerId={query.get('loadbalancer_id') ?? undefined} />],
  ['/amphorae/:id', ({ params }) => <AmphoraPage id={params.id ?? ''} />],
  ...ADMIN_KINDS.flatMap((kind): [string, (props: PageProps) => VNode][] => [
    [`/${KINDS[kind].collection}`, () => <KindList kind={kind} />],
    [`/${KINDS[kind].collection}/:id`, ({ params }) => <KindPage key={`${kind}/${params.id ?? ''}`} kind={kind} id={params.id ?? ''} />],
  ]),
];

function Page({ path, query, theme }: { path: string; query: URLSearchParams; theme: Theme }) {
  for (const [pattern, kind, mode] of FORM_ROUTES) {
    const params = match(pattern, path);
    if (params) {
      const preset = Object.fromEntries([...query].filter(([name]) => name.endsWith('_id')));
      return <ResourceForm key={path + query.toString()} kind={kind} mode={mode} id={params.id} parentId={params.parent} preset={preset} />;
    }
  }
  for (const [pattern, page] of PAGE_ROUTES) {
    const params = match(pattern, path);
    if (params) return page({ params, query, theme });
  }
  return (
    <p>
      Nothing here. <a href={href('/')}>Back to the load balancers</a>.
    </p>
  );
}

function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const candidate = value.trim();
      if (await tokenWorks(candidate)) {
        token.set(candidate);
        onSignedIn();
      } else setError('The API did not accept this token.');
    } catch (err) {
      setError(`Could not reach the API: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="signin">
      <form onSubmit={submit} aria-labelledby="signin-title">
        <h1 id="signin-title">elbow</h1>
        <p class="muted">Sign in with the API token: <code>ELBOW_API_TOKEN</code>, or the file <code>api-token</code> in elbow's data directory.</p>
        <div class="field">
          <label for="token">API token</label>
          <input id="token" type="password" autoComplete="current-password" value={value} onInput={(e) => setValue((e.currentTarget as HTMLInputElement).value)} autofocus aria-invalid={error ? 'true' : undefined} aria-describedby={error ? 'token-error' : undefined} />
          {error && <p class="error field-error" id="token-error" role="alert">{error}</p>}
        </div>
        <button type="submit" class="primary" disabled={busy || value.trim() === ''}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
        <p class="muted small">The token is kept in this tab only (sessionStorage) and sent as X-Auth-Token.</p>
      </form>
    </main>
  );
}

export { navigate };
