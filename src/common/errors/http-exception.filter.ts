import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError } from './domain-error';
import { duplicateKeyError, isDeadlock } from './unique-constraints';

interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details?: unknown;
  requestId: string | null;
}

const HTTP_CODES: Record<number, string> = {
  400: 'COMMON.BAD_REQUEST',
  401: 'COMMON.UNAUTHENTICATED',
  403: 'COMMON.FORBIDDEN',
  404: 'COMMON.NOT_FOUND',
  405: 'COMMON.METHOD_NOT_ALLOWED',
  409: 'COMMON.CONFLICT',
  413: 'COMMON.PAYLOAD_TOO_LARGE',
  415: 'COMMON.UNSUPPORTED_MEDIA_TYPE',
  429: 'COMMON.RATE_LIMITED',
};

/** The one error envelope. Unknown errors are logged with their stack and answered bare. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request & { requestId?: string }>();
    const body = this.toBody(exception, req.requestId ?? null);
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown, requestId: string | null): ErrorBody {
    if (exception instanceof DomainError) {
      return {
        statusCode: exception.status,
        code: exception.code,
        message: exception.message,
        ...(exception.details !== undefined ? { details: exception.details } : {}),
        requestId,
      };
    }
    const duplicate = duplicateKeyError(exception);
    if (duplicate) return this.toBody(duplicate, requestId);
    // InnoDB chose this request as the victim of a deadlock with a concurrent one and rolled it
    // back whole: nothing was written, and sending it again is safe.
    if (isDeadlock(exception)) {
      this.logger.warn({ msg: 'deadlock, request rolled back', requestId });
      return {
        statusCode: HttpStatus.CONFLICT,
        code: 'COMMON.CONCURRENT_UPDATE',
        message: 'A concurrent request changed the same data; nothing was written, send it again',
        requestId,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const message = httpMessage(response, exception.message);
      return {
        statusCode: status,
        code: HTTP_CODES[status] ?? (status >= 500 ? 'COMMON.INTERNAL' : 'COMMON.BAD_REQUEST'),
        message: status === 404 && /^Cannot /.test(message) ? 'Route not found' : message,
        requestId,
      };
    }
    if (isBodyParserError(exception)) {
      return {
        statusCode: exception.status,
        code: exception.status === 413 ? 'COMMON.PAYLOAD_TOO_LARGE' : 'COMMON.BAD_REQUEST',
        message: exception.status === 413 ? 'Request body too large' : 'Malformed request body',
        requestId,
      };
    }
    this.logger.error(exception instanceof Error ? exception : String(exception));
    return {
      statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
      code: 'COMMON.INTERNAL',
      message: 'Internal error',
      requestId,
    };
  }
}

function isBodyParserError(e: unknown): e is { status: number; type: string } {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as { status?: unknown }).status === 'number' &&
    typeof (e as { type?: unknown }).type === 'string'
  );
}

function httpMessage(response: string | object, fallback: string): string {
  if (typeof response === 'string') return response;
  const m = (response as { message?: unknown }).message;
  if (Array.isArray(m)) return m.map(String).join('; ');
  return typeof m === 'string' ? m : fallback;
}
