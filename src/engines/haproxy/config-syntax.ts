// How user-supplied text is written into an HAProxy configuration (configuration.txt §2.2):
// every word that carries a value from the API goes through one of these, so no value can end a
// word, start a comment, expand an environment variable or inject a line.

/** A word in weak quotes: backslash, double quote and dollar escaped, control bytes as \xNN. */
export function quoted(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\' || ch === '"' || ch === '$') out += `\\${ch}`;
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/**
 * Text inside a log-format string (redirect locations, lf-string): a literal percent is `%%`.
 * The result still goes through quoted() to become a word.
 */
export function logFormatLiteral(text: string): string {
  return text.replace(/%/g, '%%');
}

/** An address and port as bind and server lines take them: IPv6 in brackets. */
export function hostPort(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** An address alone (a server's check `addr`): IPv6 in brackets. */
export function bareAddress(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

/** A variable name for an id: letters, digits and '_' only. */
export function variableName(id: string): string {
  return id.replace(/[^A-Za-z0-9]/g, (ch) => `_${ch.charCodeAt(0).toString(16)}`);
}

/** An address as it appears in a URL: IPv6 in brackets. */
export function urlHost(address: string): string {
  return address.includes(':') && !address.startsWith('[') ? `[${address}]` : address;
}

/**
 * An id as an HAProxy proxy or server name (letters, digits, '-', '.', '_'): other characters,
 * and '_' itself, as `_xx`, so that a name always decodes back to its id (UUIDs pass unchanged).
 */
export function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9.-]/g, (ch) => {
    const code = ch.charCodeAt(0);
    return code < 0x100 ? `_${code.toString(16).padStart(2, '0')}` : `_u${code.toString(16).padStart(4, '0')}`;
  });
}

/** The id a safeName() came from. */
export function idOfName(name: string): string {
  return name.replace(/_u([0-9a-f]{4})|_([0-9a-f]{2})/g, (_whole, wide: string | undefined, narrow: string | undefined) => String.fromCharCode(parseInt(wide ?? narrow ?? '0', 16)));
}

/** Milliseconds as an HAProxy time value. */
export function ms(value: number): string {
  return `${Math.max(0, Math.round(value))}ms`;
}
