import { randomUUID } from 'node:crypto';
import { Injectable, Logger, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { requestContext } from '../logging/request-context';
import { HttpMetrics } from './http-metrics';

const VALID_ID = /^[A-Za-z0-9._-]{8,128}$/;

/**
 * Accepts a caller's X-Request-Id (if sane) or makes one, echoes it, logs the request and
 * counts it in the metrics under its route template.
 */
@Injectable()
export class RequestIdMiddleware implements NestMiddleware {
  private readonly logger = new Logger('http');

  constructor(private readonly metrics: HttpMetrics) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const incoming = req.header('x-request-id');
    const requestId = incoming && VALID_ID.test(incoming) ? incoming : randomUUID();
    (req as Request & { requestId: string }).requestId = requestId;
    res.setHeader('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      // Microseconds as an integer, reported as milliseconds with three decimals.
      const ms = Number((process.hrtime.bigint() - started) / 1000n) / 1000;
      this.metrics.observe(req.method, routeTemplate(req), res.statusCode, ms / 1000);
      requestContext.run({ requestId }, () =>
        this.logger.log({
          msg: 'request',
          method: req.method,
          path: req.originalUrl.split('?')[0],
          status: res.statusCode,
          ms,
        }),
      );
    });
    requestContext.run({ requestId }, () => next());
  }
}

/** `/api/v1/catalog/drugs/:id`, not the raw path: one series per route, whatever the ids. */
function routeTemplate(req: Request): string {
  const route: unknown = (req as { route?: unknown }).route;
  const path =
    typeof route === 'object' && route !== null && 'path' in route ? route.path : undefined;
  return typeof path === 'string' ? `${req.baseUrl}${path}` : 'unmatched';
}
