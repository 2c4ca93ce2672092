// A listener or pool references a certificate by its id or by its URL
// (…/v2/lbaas/certificates/<id>, as Barbican-style clients send container URLs).

/** The certificate id a reference names: the last path segment of a URL, else the reference itself. */
export function certificateIdFromRef(ref: string): string {
  const trimmed = ref.replace(/\/+$/, '');
  const slash = trimmed.lastIndexOf('/');
  return slash === -1 ? trimmed : trimmed.slice(slash + 1);
}
