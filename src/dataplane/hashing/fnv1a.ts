// FNV-1a, 32 bits, over the UTF-16 code units of a string: a cheap, stable hash for spreading
// keys (clients over members, listeners over workers). Not for anything adversarial.
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
