/**
 * Temporal's remote codec protocol over plain node:http, for the Web UI's codec endpoint and
 * `temporal --codec-endpoint`: `POST /encode` and `POST /decode` (also under a namespace segment,
 * `/<namespace>/decode`, for the CLI's templated endpoint) take and answer
 * `{"payloads": [{"metadata": {"<key>": "<base64>"}, "data": "<base64>"}]}`.
 *
 * With a token, a request without `Authorization: Bearer <token>` is refused (401); a CORS preflight
 * (OPTIONS) is answered without one, as browsers send none there. With an allowed origin, answers
 * carry the CORS headers the Web UI needs.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Payload, PayloadCodec } from '@temporalio/common';

export interface CodecServerOptions {
  codec: PayloadCodec;
  host: string;
  port: number;
  /** Bearer token every encode/decode must carry; none: no authentication. */
  token?: string;
  /** The origin allowed to call from a browser (the Web UI's), e.g. http://localhost:8233. */
  corsOrigin?: string;
}

export interface CodecServer {
  url: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;
const ROUTE = /^(?:\/[^/]+)?\/(encode|decode)\/?$/;

const BASE64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'not base64');
const PayloadsBody = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), BASE64).nullish(), data: BASE64.nullish() })),
});
type JsonPayload = { metadata: Record<string, string>; data: string };

function fromJson(body: z.infer<typeof PayloadsBody>): Payload[] {
  return body.payloads.map((p) => ({
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: Buffer.from(p.data ?? '', 'base64'),
  }));
}

function toJson(payloads: Payload[]): { payloads: JsonPayload[] } {
  return {
    payloads: payloads.map((p) => ({
      metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')])),
      data: Buffer.from(p.data ?? []).toString('base64'),
    })),
  };
}

class HttpRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpRefusal(413, `body over ${MAX_BODY_BYTES} bytes`));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });
}

function hasToken(req: IncomingMessage, token: string): boolean {
  const given = Buffer.from(/^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim() ?? '');
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

function parsePayloads(text: string): Payload[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new HttpRefusal(400, 'the body is not JSON; send {"payloads": [{"metadata": {...}, "data": "<base64>"}]}');
  }
  const parsed = PayloadsBody.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HttpRefusal(400, `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}; send {"payloads": [{"metadata": {...}, "data": "<base64>"}]}`);
  }
  return fromJson(parsed.data);
}

async function answer(req: IncomingMessage, res: ServerResponse, opts: CodecServerOptions): Promise<void> {
  if (opts.corsOrigin) {
    res.setHeader('Access-Control-Allow-Origin', opts.corsOrigin);
    res.setHeader('Vary', 'Origin');
  }
  const route = ROUTE.exec(new URL(req.url ?? '/', 'http://codec').pathname)?.[1];
  if (req.method === 'OPTIONS') {
    res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', 'content-type, authorization, x-namespace');
    res.setHeader('Access-Control-Max-Age', '600');
    res.writeHead(204).end();
    return;
  }
  if (!route) throw new HttpRefusal(404, 'not found; POST /encode or /decode');
  if (req.method !== 'POST') throw new HttpRefusal(405, `${req.method ?? ''} ${route}: only POST`);
  if (opts.token && !hasToken(req, opts.token)) throw new HttpRefusal(401, 'no valid "Authorization: Bearer <token>"');
  const payloads = parsePayloads(await readBody(req));
  let result: Payload[];
  try {
    result = route === 'encode' ? await opts.codec.encode(payloads) : await opts.codec.decode(payloads);
  } catch (err) {
    throw new HttpRefusal(400, err instanceof Error ? err.message : String(err));
  }
  res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(toJson(result)));
}

export async function startCodecServer(opts: CodecServerOptions): Promise<CodecServer> {
  const server: Server = createServer((req, res) => {
    answer(req, res, opts).catch((err: unknown) => {
      const status = err instanceof HttpRefusal ? err.status : 500;
      const message = err instanceof Error ? err.message : String(err);
      if (!res.headersSent) res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: message }));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new Error(`cannot serve on ${opts.host}:${opts.port}: ${err.code === 'EADDRINUSE' ? 'the address is in use; give another --port' : err.message}`)),
    );
    server.listen(opts.port, opts.host, () => {
      server.removeAllListeners('error');
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${host}:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
