import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { request as httpRequest, IncomingHttpHeaders } from 'node:http';
import { basename } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * The few plain HTTP calls the bench makes outside the load generator (log in, download a
 * template, upload a workbook, poll an import), with node:http against the bench's own
 * 127.0.0.1 servers. Every call has a time limit.
 */

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface HttpCall {
  method?: string;
  path: string;
  headers?: Record<string, string | number>;
  body?: Buffer | string;
  /** Streams a file as the body, between `head` and `tail`. */
  file?: { path: string; head: Buffer; tail: Buffer };
  timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 60_000;

export function call(baseUrl: string, c: HttpCall): Promise<HttpResponse> {
  const url = new URL(c.path, baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: c.method ?? 'GET', headers: c.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(c.timeoutMs ?? DEFAULT_TIMEOUT_MS, () =>
      req.destroy(
        new Error(
          `${c.method ?? 'GET'} ${c.path}: no answer within ${c.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`,
        ),
      ),
    );
    req.on('error', reject);
    if (c.file) {
      const { head, tail } = c.file;
      req.write(head);
      const input = createReadStream(c.file.path);
      input.on('error', (err) => req.destroy(err));
      input.on('end', () => req.end(tail));
      input.pipe(req, { end: false });
    } else {
      req.end(c.body);
    }
  });
}

function describe(res: HttpResponse): string {
  return `${res.status} ${res.body.toString('utf8').slice(0, 500)}`;
}

/** A JSON call that must answer `expected`; returns the parsed body. */
export async function callJson<T>(
  baseUrl: string,
  c: HttpCall & { json?: unknown },
  expected = 200,
): Promise<T> {
  const headers: Record<string, string | number> = { accept: 'application/json', ...c.headers };
  let body = c.body;
  if (c.json !== undefined) {
    body = JSON.stringify(c.json);
    headers['content-type'] = 'application/json';
  }
  const res = await call(baseUrl, { ...c, headers, body });
  if (res.status !== expected)
    throw new Error(`${c.method ?? 'GET'} ${c.path} answered ${describe(res)}`);
  return JSON.parse(res.body.toString('utf8')) as T;
}

/** A binary download that must answer 200. */
export async function download(
  baseUrl: string,
  path: string,
  headers: Record<string, string>,
): Promise<Buffer> {
  const res = await call(baseUrl, { path, headers });
  if (res.status !== 200) throw new Error(`GET ${path} answered ${describe(res)}`);
  return res.body;
}

/** Uploads a file as multipart/form-data field `field`, streamed from disk. */
export async function uploadFile<T>(
  baseUrl: string,
  path: string,
  headers: Record<string, string>,
  file: { path: string; field: string; contentType: string },
  expected: number,
  timeoutMs: number,
): Promise<T> {
  const boundary = `----jicai-bench-${randomBytes(12).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${basename(file.path)}"\r\n` +
      `Content-Type: ${file.contentType}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const { size } = await stat(file.path);
  const res = await call(baseUrl, {
    method: 'POST',
    path,
    headers: {
      ...headers,
      accept: 'application/json',
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': head.length + size + tail.length,
    },
    file: { path: file.path, head, tail },
    timeoutMs,
  });
  if (res.status !== expected) throw new Error(`POST ${path} answered ${describe(res)}`);
  return JSON.parse(res.body.toString('utf8')) as T;
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}
