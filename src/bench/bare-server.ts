import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';

/** The reference server: Express alone, answering pre-built JSON bodies. */
export interface BareServer {
  baseUrl: string;
  /** Path answering `bodies[i]`. */
  path(i: number): string;
  close(): Promise<void>;
}

/**
 * A bare Express app on an ephemeral 127.0.0.1 port whose route `/bare/:i` sends body i as
 * JSON: the machine's own ceiling for a keep-alive JSON GET of that size, with none of the
 * API's work (auth, validation, database, serialisation).
 */
export async function startBareServer(bodies: readonly Buffer[]): Promise<BareServer> {
  const app = express();
  app.disable('x-powered-by');
  app.get('/bare/:i', (req, res) => {
    const body = bodies[Number(req.params.i)];
    if (!body) {
      res.status(404).end();
      return;
    }
    res.type('application/json').send(body);
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    path: (i) => `/bare/${i}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
