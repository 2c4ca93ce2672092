// The files a rendered configuration refers to, by path relative to <data-dir>/haproxy. Each has
// a kind, which tells the planner how a change of its content reaches the running HAProxy:
// certificates and CA files through `set ssl …`, address lists through `prepare/add/commit acl`,
// anything else only by a reload (it is read when the configuration is parsed).

export type FileKind = 'cert' | 'ca' | 'acl' | 'static';

export interface RenderedFile {
  readonly content: string;
  readonly kind: FileKind;
}

export class FileSet {
  readonly files = new Map<string, RenderedFile>();

  constructor(
    /** Absolute directory the configuration names files in. */
    private readonly dir: string,
  ) {}

  /** Records a file and returns the absolute path the configuration uses for it. */
  add(name: string, content: string, kind: FileKind): string {
    this.files.set(name, { content, kind });
    return this.path(name);
  }

  path(name: string): string {
    return `${this.dir}/${name}`;
  }
}

/** CRL blocks, one after the other, as HAProxy's crl-file takes them. */
export function crlFile(crls: readonly string[]): string {
  return crls.map((crl) => `${crl.trim()}\n`).join('');
}
