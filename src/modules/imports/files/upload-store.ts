import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { access, open, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInflateRaw } from 'node:zlib';
import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { StorageEngine } from 'multer';
import { AppConfig } from '../../../config/config';
import { APP_CONFIG } from '../../../config/config.module';
import { CsvError } from '../domain/csv';
import type { UploadFormat } from '../domain/import-access';
import { ByteSource, inspectXlsxZip, ZipEntry } from '../domain/zip-directory';
import { importsError } from '../imports.errors';
import { checkCsvText } from './csv-reader';

/** What the storage engine reports for the received file (merged into `req.file`). */
export interface ReceivedFile {
  originalname: string;
  path: string;
  size: number;
  sha256: string;
}

/**
 * Uploaded workbooks live under `${DATA_DIR}/uploads`: the API stores them and the worker reads
 * them, so in production both processes must mount the same DATA_DIR (a shared volume). Files
 * are named by uploading organisation and content hash: an organisation's workbook is stored
 * once whatever it was uploaded as, and no stored file is shared between organisations (a sealed
 * import's workbook is deleted once processed, which must not take another's with it).
 */
@Injectable()
export class UploadStore {
  private readonly root: string;
  private readonly uploads: string;
  private readonly incoming: string;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.root = config.dataDir;
    this.uploads = join(config.dataDir, 'uploads');
    this.incoming = join(this.uploads, 'incoming');
    mkdirSync(this.incoming, { recursive: true });
  }

  /** Multer storage: streams the upload to a private file while hashing it. */
  engine(): StorageEngine {
    const dir = this.incoming;
    return {
      _handleFile(_req: Request, file, cb) {
        const path = join(dir, `${randomUUID()}.part`);
        const hash = createHash('sha256');
        let size = 0;
        const out = createWriteStream(path, { flags: 'wx', mode: 0o600 });
        file.stream.on('data', (chunk: Buffer) => {
          hash.update(chunk);
          size += chunk.length;
        });
        file.stream.on('error', (err) => out.destroy(err));
        out.on('error', (err) => cb(err));
        out.on('finish', () => {
          const info: Partial<ReceivedFile> = { path, size, sha256: hash.digest('hex') };
          cb(null, info);
        });
        file.stream.pipe(out);
      },
      _removeFile(_req: Request, file, cb) {
        rm(file.path, { force: true }).then(
          () => cb(null),
          (err: Error) => cb(err),
        );
      },
    };
  }

  /** Reads the zip structure of a received file; throws the IMPORTS.* refusals. */
  async inspect(path: string, size: number): Promise<ZipEntry[]> {
    const handle = await open(path, 'r');
    try {
      const source: ByteSource = {
        size,
        read: async (offset, length) => {
          const buf = Buffer.alloc(length);
          const { bytesRead } = await handle.read(buf, 0, length, offset);
          return buf.subarray(0, bytesRead);
        },
      };
      return await inspectXlsxZip(source, {
        maxUncompressedBytes: this.config.uploads.maxUncompressedBytes,
        maxRatio: this.config.uploads.maxZipRatio,
      });
    } finally {
      await handle.close();
    }
  }

  /**
   * Refuses a received `.csv` that is not UTF-8 text (a renamed workbook, a zip, a GBK export,
   * any binary file), reading it through once.
   */
  async inspectCsv(path: string): Promise<void> {
    try {
      await checkCsvText(path);
    } catch (err) {
      if (err instanceof CsvError) throw importsError('NOT_CSV', err.message, { field: 'file' });
      throw err;
    }
  }

  /**
   * Moves a received file to its content-addressed place; returns the relative path, whose
   * extension tells the job how to read it.
   */
  async keep(
    receivedPath: string,
    organisationId: string,
    sha256: string,
    format: UploadFormat,
  ): Promise<string> {
    const relative = join('uploads', `${organisationId}-${sha256}.${format}`);
    const target = join(this.root, relative);
    const exists = await access(target).then(
      () => true,
      () => false,
    );
    if (exists) await this.discard(receivedPath);
    else await rename(receivedPath, target);
    return relative;
  }

  async discard(path: string): Promise<void> {
    await rm(path, { force: true });
  }

  /** How a stored upload is read: by the extension `keep` gave it. */
  format(relative: string): UploadFormat {
    return relative.endsWith('.csv') ? 'csv' : 'xlsx';
  }

  absolute(relative: string): string {
    return join(this.root, relative);
  }

  errorFile(importId: string): string {
    return join(this.uploads, `${importId}-errors.xlsx`);
  }

  async exists(path: string): Promise<boolean> {
    return access(path).then(
      () => true,
      () => false,
    );
  }

  /**
   * Inflates every entry once, counting, before any parser sees it: the directory's sizes were
   * checked at upload, and this holds the data to them, so a file whose entries inflate beyond
   * what they declare is refused instead of filling memory or disk.
   */
  async verifyInflatedSizes(path: string): Promise<void> {
    const { size } = await stat(path);
    const entries = await this.inspect(path, size);
    for (const entry of entries) {
      if (entry.method !== 8 || entry.compressedSize === 0) continue;
      await inflatedWithin(path, entry);
    }
  }
}

function inflatedWithin(path: string, entry: ZipEntry): Promise<void> {
  return new Promise((resolve, reject) => {
    const input = createReadStream(path, {
      start: entry.dataOffset,
      end: entry.dataOffset + entry.compressedSize - 1,
    });
    const inflate = createInflateRaw();
    let produced = 0;
    let settled = false;
    const settle = (err?: Error) => {
      if (settled) return;
      settled = true;
      input.destroy();
      inflate.destroy();
      if (err) reject(err);
      else resolve();
    };
    inflate.on('data', (chunk: Buffer) => {
      produced += chunk.length;
      if (produced > entry.uncompressedSize) {
        settle(
          importsError(
            'ZIP_BOMB',
            `The workbook's part ${entry.name} inflates beyond the ${entry.uncompressedSize} bytes it declares`,
            { entry: entry.name },
          ),
        );
      }
    });
    inflate.on('end', () => settle());
    inflate.on('error', (err) =>
      settle(
        importsError('NOT_XLSX', `The workbook's part ${entry.name} is damaged: ${err.message}`, {
          entry: entry.name,
        }),
      ),
    );
    input.on('error', (err) => settle(err));
    input.pipe(inflate);
  });
}
