import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { App } from './app-type.js';
import {
  AppError,
  isAppError,
  platformErrors,
  type ErrorSpec,
} from '../../platform/errors/index.js';

/** The body of every error response. */
export interface ErrorBody {
  error: { code: string; message: string; requestId: string; details?: unknown };
}

// Fastify's own client errors, by their codes, mapped onto our catalogue.
const FASTIFY_CODES: Readonly<Record<string, ErrorSpec>> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: platformErrors.UNSUPPORTED_MEDIA_TYPE,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: platformErrors.BAD_REQUEST,
  FST_ERR_CTP_BODY_TOO_LARGE: platformErrors.BODY_TOO_LARGE,
  FST_ERR_CTP_EMPTY_JSON_BODY: platformErrors.EMPTY_BODY,
  FST_ERR_CTP_INVALID_JSON_BODY: platformErrors.MALFORMED_JSON,
  FST_ERR_VALIDATION: platformErrors.VALIDATION_FAILED,
  // The router's own refusals, before any route runs: a malformed percent-encoding, and a
  // path parameter longer than any id (Fastify would echo the path, whatever it holds).
  FST_ERR_BAD_URL: platformErrors.BAD_REQUEST,
  FST_ERR_MAX_PARAM_LENGTH: platformErrors.URI_TOO_LONG,
};

interface ValidationIssue {
  keyword: string;
  instancePath: string;
  message?: string;
  params?: { keys?: unknown };
}

function pathOf(instancePath: string): string {
  return instancePath.replace(/^\//, '').split('/').filter(Boolean).join('.');
}

/** Turns schema failures into a 400 that lists unknown fields and failed paths, never values. */
function validationError(error: FastifyError): AppError {
  const location = error.validationContext ?? 'body';
  const issues = (error.validation ?? []) as ValidationIssue[];
  const unknownFields = issues.flatMap((issue) =>
    issue.keyword === 'unrecognized_keys' && Array.isArray(issue.params?.keys)
      ? issue.params.keys.map((key) =>
          [pathOf(issue.instancePath), String(key)].filter(Boolean).join('.'),
        )
      : [],
  );
  if (unknownFields.length > 0) {
    return new AppError(platformErrors.UNKNOWN_FIELDS, {
      message: `Unknown fields in ${location}: ${unknownFields.join(', ')}`,
      details: { location, unknownFields },
    });
  }
  return new AppError(platformErrors.VALIDATION_FAILED, {
    details: {
      location,
      issues: issues.map((issue) => ({
        path: pathOf(issue.instancePath),
        code: issue.keyword,
        message: issue.message ?? 'invalid',
      })),
    },
  });
}

/** Maps anything thrown by a route or by Fastify onto one AppError. */
export function toAppError(error: unknown): AppError {
  if (isAppError(error)) return error;
  const fastifyError = error as Partial<FastifyError> & { statusCode?: number };
  if (hasZodFastifySchemaValidationErrors(error) || fastifyError.validation !== undefined) {
    return validationError(error as FastifyError);
  }
  const known = fastifyError.code === undefined ? undefined : FASTIFY_CODES[fastifyError.code];
  if (known !== undefined) return new AppError(known);
  if (error instanceof SyntaxError && fastifyError.statusCode === 400) {
    return new AppError(platformErrors.MALFORMED_JSON);
  }
  const status = fastifyError.statusCode;
  if (status === 413) return new AppError(platformErrors.BODY_TOO_LARGE);
  if (status === 415) return new AppError(platformErrors.UNSUPPORTED_MEDIA_TYPE);
  if (status === 503 && fastifyError.code === 'FST_ERR_SERVER_CLOSING') {
    return new AppError(platformErrors.SHUTTING_DOWN);
  }
  if (status !== undefined && status >= 400 && status < 500)
    return new AppError(platformErrors.BAD_REQUEST);
  return new AppError(platformErrors.INTERNAL_ERROR, { cause: error });
}

/** Sends an AppError as the one error shape, with its headers. */
export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  error: AppError,
): FastifyReply {
  const body: ErrorBody = {
    error: { code: error.code, message: error.message, requestId: String(request.id) },
  };
  if (error.details !== undefined) body.error.details = error.details;
  if (error.headers !== undefined) void reply.headers(error.headers);
  return reply.code(error.status).type('application/json; charset=utf-8').send(body);
}

/** Logs and answers anything thrown, in the one error shape. */
export function handleError(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const appError = toAppError(error);
  if (appError.code === platformErrors.INTERNAL_ERROR.code) {
    request.log.error({ err: error }, 'unhandled error');
  } else {
    request.log[appError.level]({ code: appError.code, status: appError.status }, 'request failed');
  }
  return sendError(request, reply, appError);
}

/**
 * Fastify's `frameworkErrors` option: the router's refusals, which reach neither the error
 * handler nor the hooks, so the request id header is set here.
 */
export function handleFrameworkError(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  void handleError(error, request, reply.header('x-request-id', request.id));
}

/** Installs the one error handler and the not-found handler. */
export function registerErrorHandling(app: App): void {
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, new AppError(platformErrors.NOT_FOUND)),
  );
}
