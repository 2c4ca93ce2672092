// Every error the API answers is design.md §3's JSON {faultcode, faultstring, code}. This module
// turns whatever was thrown (an ElbowError, one of fastify's own errors, a bug) into an ElbowError.
import { ElbowError } from '../errors.js';

export const BODY_LIMIT_BYTES = 1024 * 1024;

/** The request an error belongs to, for messages that name it. */
export interface RequestLine {
  method: string;
  url: string;
}

/** fastify's error codes that a client can cause, mapped to elbow's stable codes. */
const FASTIFY_ERRORS: Readonly<Record<string, (err: Error, request: RequestLine) => ElbowError>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: (err) => new ElbowError('INVALID_JSON', { detail: err.message }),
  FST_ERR_CTP_EMPTY_JSON_BODY: (err) => new ElbowError('INVALID_JSON', { detail: err.message }),
  FST_ERR_CTP_BODY_TOO_LARGE: () => new ElbowError('BODY_TOO_LARGE', { limit: BODY_LIMIT_BYTES }),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: (err) => new ElbowError('INVALID_JSON', { detail: err.message }),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => new ElbowError('UNSUPPORTED_MEDIA_TYPE'),
  FST_ERR_BAD_URL: (err) => new ElbowError('INVALID_QUERY', { field: 'url', detail: err.message }),
  // No resource has an id longer than the router's limit.
  FST_ERR_MAX_PARAM_LENGTH: (_err, request) => new ElbowError('ROUTE_NOT_FOUND', { method: request.method, path: request.url.split('?')[0] ?? '' }),
};

/**
 * The ElbowError to answer with, or null when the error is unexpected (a bug): the caller then
 * logs it and answers 500 INTERNAL.
 */
export function toElbowError(err: unknown, request: RequestLine): ElbowError | null {
  if (err instanceof ElbowError) return err;
  if (!(err instanceof Error)) return null;
  const code = (err as { code?: unknown }).code;
  const mapped = typeof code === 'string' ? FASTIFY_ERRORS[code] : undefined;
  if (mapped) return mapped(err, request);
  // The JSON parser's SyntaxError (also proto-poisoning attempts) carries statusCode 400.
  if (err instanceof SyntaxError && (err as { statusCode?: unknown }).statusCode === 400) {
    return new ElbowError('INVALID_JSON', { detail: err.message });
  }
  return null;
}
