// Structured JSON logs (shared by serve, main and the data plane workers), one object per line on stderr (design.md §6), with the pino-shaped
// interface fastify takes as its logger, so the API and the rest of the process log alike.
import type { FastifyBaseLogger } from 'fastify';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const SEVERITY: Record<LogLevel, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

export function createJsonLogger(
  level: LogLevel,
  write: (line: string) => void = (line) => process.stderr.write(line),
  bindings: Readonly<Record<string, unknown>> = {},
): FastifyBaseLogger {
  const threshold = SEVERITY[level];
  const at =
    (name: Exclude<LogLevel, 'silent'>) =>
    (first?: unknown, ...rest: unknown[]): void => {
      if (SEVERITY[name] < threshold) return;
      const fields = typeof first === 'object' && first !== null ? fieldsOf(first) : {};
      const msg = typeof first === 'string' ? first : typeof rest[0] === 'string' ? rest[0] : undefined;
      write(`${safeStringify({ time: new Date().toISOString(), level: name, ...bindings, ...fields, ...(msg === undefined ? {} : { msg }) })}\n`);
    };
  return {
    level,
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    fatal: at('fatal'),
    silent: () => undefined,
    child: (more: Record<string, unknown>) => createJsonLogger(level, write, { ...bindings, ...more }),
  } as FastifyBaseLogger;
}

/** Errors become {type, message, stack}; anything else is logged as given. */
function fieldsOf(value: object): Record<string, unknown> {
  if (value instanceof Error) return { err: describeError(value) };
  return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, field instanceof Error ? describeError(field) : field]));
}

function describeError(err: Error): Record<string, unknown> {
  return { type: err.name, message: err.message, stack: err.stack, ...('code' in err ? { code: err.code } : {}) };
}

function safeStringify(record: Record<string, unknown>): string {
  try {
    return JSON.stringify(record, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
  } catch {
    return JSON.stringify({ time: record.time, level: record.level, msg: String(record.msg ?? ''), note: 'log fields not serializable' });
  }
}
