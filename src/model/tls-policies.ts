// TLS versions and cipher suites of a listener as data, shared by both engines: Octavia's
// `tls_versions` list and `tls_ciphers` OpenSSL string, or one of Huawei ELB's named security
// policies, which fix both at once.

/** Version names as Node's tls module and the API spell them. */
export type TlsVersionName = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

export interface TlsProtocolSettings {
  readonly minVersion: TlsVersionName;
  readonly maxVersion: TlsVersionName;
  /** OpenSSL cipher string (TLS 1.2 and below) plus TLS 1.3 suite names; undefined = the library's default. */
  readonly ciphers: string | undefined;
}

const TLS13_SUITES = 'TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256';
const FORWARD_SECRET = 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305';
const FORWARD_SECRET_CBC = 'ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES256-SHA384';
// Legacy suites need OpenSSL 3's security level 0 to be offered with TLS 1.0/1.1.
const LEGACY = 'ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA:AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA256:AES256-SHA256:AES128-SHA:AES256-SHA:@SECLEVEL=0';

/** Huawei ELB's named security policies (`tls-1-0` … `tls-1-2-fs-with-1-3`). */
export const NAMED_TLS_POLICIES: Readonly<Record<string, TlsProtocolSettings>> = {
  'tls-1-0': { minVersion: 'TLSv1', maxVersion: 'TLSv1.2', ciphers: `${FORWARD_SECRET}:${FORWARD_SECRET_CBC}:${LEGACY}` },
  'tls-1-1': { minVersion: 'TLSv1.1', maxVersion: 'TLSv1.2', ciphers: `${FORWARD_SECRET}:${FORWARD_SECRET_CBC}:${LEGACY}` },
  'tls-1-2': { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: `${FORWARD_SECRET}:${FORWARD_SECRET_CBC}:AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA256:AES256-SHA256` },
  'tls-1-2-strict': { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: `${FORWARD_SECRET}:AES128-GCM-SHA256:AES256-GCM-SHA384` },
  'tls-1-2-fs': { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: `${FORWARD_SECRET}:${FORWARD_SECRET_CBC}` },
  'tls-1-0-with-1-3': { minVersion: 'TLSv1', maxVersion: 'TLSv1.3', ciphers: `${TLS13_SUITES}:${FORWARD_SECRET}:${FORWARD_SECRET_CBC}:${LEGACY}` },
  'tls-1-2-fs-with-1-3': { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3', ciphers: `${TLS13_SUITES}:${FORWARD_SECRET}:${FORWARD_SECRET_CBC}` },
  'hybrid-policy-1-0': { minVersion: 'TLSv1', maxVersion: 'TLSv1.2', ciphers: `${FORWARD_SECRET}:${FORWARD_SECRET_CBC}:${LEGACY}` },
};

/** Octavia's version names in order; SSLv3 is accepted in the API but neither engine speaks it. */
export const TLS_VERSION_ORDER: readonly TlsVersionName[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/** elbow's default: TLS 1.2 and 1.3 with the library's default suites. */
const DEFAULT_SETTINGS: TlsProtocolSettings = { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3', ciphers: undefined };

export function resolveTlsProtocol(versions: readonly string[] | null, ciphers: string | null): TlsProtocolSettings {
  const named = ciphers === null ? undefined : NAMED_TLS_POLICIES[ciphers];
  if (named !== undefined) return named;
  const known = (versions ?? []).map((v) => TLS_VERSION_ORDER.indexOf(v as TlsVersionName)).filter((i) => i >= 0).sort();
  const first = known[0];
  const last = known[known.length - 1];
  const range = first === undefined || last === undefined
    ? DEFAULT_SETTINGS
    : { minVersion: TLS_VERSION_ORDER[first] ?? 'TLSv1.2', maxVersion: TLS_VERSION_ORDER[last] ?? 'TLSv1.3' };
  // Versions below 1.2 need the legacy security level for their suites to be offered at all.
  const legacy = range.minVersion === 'TLSv1' || range.minVersion === 'TLSv1.1';
  const cipherString = ciphers ?? (legacy ? `DEFAULT:@SECLEVEL=0` : undefined);
  return { minVersion: range.minVersion, maxVersion: range.maxVersion, ciphers: cipherString };
}
