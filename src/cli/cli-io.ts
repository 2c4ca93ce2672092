// The CLI's window on the world: output streams, environment, HTTP and exit. The commands take
// it as a parameter so unit tests run them in-process against a fake.

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Colour only when a person is looking (stdout is a TTY). */
  readonly colour: boolean;
  readonly fetch: typeof fetch;
  /** A failed command: remember the exit code, let pending output flush. */
  fail(code: number): void;
  /** Leave now (commander's usage errors and --help). */
  exit(code: number): never;
}

export const processIo: CliIo = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  env: process.env,
  colour: process.stdout.isTTY === true && process.env.NO_COLOR === undefined,
  fetch: (input, init) => fetch(input, init),
  fail: (code) => {
    process.exitCode = code;
  },
  exit: (code) => process.exit(code),
};
