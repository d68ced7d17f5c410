import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import type { RequestHandler, Response } from 'express';
import multer, { MulterError } from 'multer';
import { Observable } from 'rxjs';
import { AuthedRequest } from '../../../common/auth/decorators';
import { AppConfig } from '../../../config/config';
import { APP_CONFIG } from '../../../config/config.module';
import { uploadFormat } from '../domain/import-access';
import type { ImportKind } from '../import-kind';
import { importsError } from '../imports.errors';
import { ImportsService } from '../imports.service';
import { UploadStore } from './upload-store';

/**
 * Receives `POST /imports/:kind` bodies. The cheap refusals (unknown kind, not allowed, rate
 * limit) happen before a byte of the body is stored; the size limit is enforced while
 * receiving, so an oversize upload is cut off rather than buffered.
 */
@Injectable()
export class XlsxUploadInterceptor implements NestInterceptor {
  private readonly receive: RequestHandler;
  /** The kind admitted for a request, for the file filter (multer's options are fixed). */
  private readonly admitted = new WeakMap<object, ImportKind>();

  constructor(
    private readonly imports: ImportsService,
    store: UploadStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.receive = multer({
      storage: store.engine(),
      limits: { fileSize: config.uploads.maxBytes, files: 1, fields: 5, parts: 6 },
      defParamCharset: 'utf8',
      // Refuses a .xls, or a .csv for a kind that takes none, by its name before storing a
      // byte of it.
      fileFilter: (req, file, cb) => {
        try {
          uploadFormat(file.originalname, this.admitted.get(req)?.csv === true);
          cb(null, true);
        } catch (err) {
          cb(err as Error);
        }
      },
    }).single('file');
  }

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const http = context.switchToHttp();
    const req = http.getRequest<AuthedRequest>();
    const res = http.getResponse<Response>();
    try {
      const kind = await this.imports.admitUpload(
        req.actor!,
        String(req.params.kind),
        req.query.contextId,
      );
      this.admitted.set(req, kind);
    } catch (err) {
      // Answer now and throw the unread body away.
      req.resume();
      throw err;
    }
    await new Promise<void>((resolve, reject) =>
      this.receive(req, res, (err?: unknown) => (err ? reject(this.translate(err)) : resolve())),
    );
    return next.handle();
  }

  private translate(err: unknown): Error {
    if (!(err instanceof MulterError)) return err instanceof Error ? err : new Error(String(err));
    if (err.code === 'LIMIT_FILE_SIZE') {
      return importsError(
        'FILE_TOO_LARGE',
        `The file is larger than the ${this.config.uploads.maxBytes} bytes accepted`,
        { maxBytes: this.config.uploads.maxBytes },
      );
    }
    return importsError(
      'UPLOAD_INVALID',
      `Send one file as multipart/form-data in the field "file" (${err.message})`,
      { field: err.field ?? 'file' },
    );
  }
}
