// Errors the CLI reports itself (bad input, ambiguous names); API errors are ApiError.

export class CliError extends Error {
  constructor(
    message: string,
    /** 2 for usage errors, 1 for everything else. */
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
