// The logger the data plane writes to: pino's call shape (fields, then message), so main can
// hand it the same logger the API uses. Silent unless given one.

export interface DataPlaneLogger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export const SILENT_LOGGER: DataPlaneLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
