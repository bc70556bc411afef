/**
 * A user's deploy API, as the `http` target expects one, on 127.0.0.1 (node:http): it records each
 * request with its Idempotency-Key and applies a key's effect once (a replay answers 200
 * "already applied" and changes nothing). Per service it keeps the version that serves and the
 * config that was pushed (a half-applied deploy changes the config only), and a rollout that
 * reads "running" for `rolloutPolls` GETs after each change, then "done".
 *
 *   POST /api/<service>/deploy    { version }  -> version and config := version
 *   POST /api/<service>/rollback  { to }       -> the same, named a rollback
 *   GET  /api/<service>                        -> { service, deployment: { version (null: none), config }, rollout }
 *   GET  /api/<service>/version                -> the version as text ('' when none)
 *   GET  /api/<service>/rollout                -> { state: "running" | "done" }
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { freePort } from '../../src/net/tcpPorts';

export interface RecordedRequest {
  method: string;
  path: string;
  service: string;
  idempotencyKey: string | undefined;
  headers: IncomingHttpHeaders;
  body: string;
}

interface ServiceState {
  version: string;
  config: string;
  rolloutPollsLeft: number;
}

interface Fault {
  status: number;
  body: string;
  /** Apply the change before answering (a half-applied deploy: only the config changes). */
  halfApply: boolean;
  /** How many more requests get it; Infinity: every one. */
  times: number;
  /** Only changes to this version get it. */
  version?: string;
}

export class FakeDeployApi {
  readonly requests: RecordedRequest[] = [];
  /** Effects applied, in order: "deploy payments 2.0.0", "rollback payments 1.0.0", "half-apply payments 2.0.0". */
  readonly effects: string[] = [];
  /** GETs of `/rollout` answer "running" this many times after each change. */
  rolloutPolls = 0;
  /** When set, every request must carry `Authorization: Bearer <token>`. */
  requiredToken: string | undefined;
  private readonly state = new Map<string, ServiceState>();
  private readonly appliedKeys = new Set<string>();
  private readonly faults = new Map<string, Fault>();
  private readonly held = new Map<string, (() => void)[]>();
  private readonly holding = new Set<string>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(initial: Record<string, string> = {}): Promise<FakeDeployApi> {
    const port = await freePort();
    let api: FakeDeployApi | undefined;
    const server = createServer((req, res) => void api!.handle(req, res));
    await new Promise<void>((resolveListen, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolveListen());
    });
    api = new FakeDeployApi(server, `http://127.0.0.1:${port}`);
    for (const [service, version] of Object.entries(initial)) api.state.set(service, { version, config: version, rolloutPollsLeft: 0 });
    return api;
  }

  async stop(): Promise<void> {
    for (const release of [...this.held.values()].flat()) release();
    this.server.closeAllConnections();
    await new Promise<void>((resolveClose) => this.server.close(() => resolveClose()));
  }

  version(service: string): string {
    return this.state.get(service)?.version ?? '';
  }

  config(service: string): string {
    return this.state.get(service)?.config ?? '';
  }

  /** The next `times` changes of a service answer `status` with `body`, changing nothing. */
  failNext(service: string, status: number, body: string, times = 1): void {
    this.faults.set(service, { status, body, halfApply: false, times });
  }

  /** Every change of a service to `version` pushes its config, then answers 500: `current` still reads the old version. */
  halfApply(service: string, version: string): void {
    this.faults.set(service, { status: 500, body: `config ${version} pushed; rollout refused: image pull failed`, halfApply: true, times: Infinity, version });
  }

  /** Requests of a service (any path) get no answer until `letGo`. */
  hold(service: string): void {
    this.holding.add(service);
  }

  letGo(service: string): void {
    this.holding.delete(service);
    for (const release of this.held.get(service)?.splice(0) ?? []) release();
  }

  /** The requests of one service, as `METHOD path`, optionally only those with this key. */
  calls(service: string, key?: string): string[] {
    return this.requests.filter((r) => r.service === service && (key === undefined || r.idempotencyKey === key)).map((r) => `${r.method} ${r.path}`);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const path = new URL(req.url ?? '/', this.url).pathname;
    const [, api, service = '', action = ''] = path.split('/');
    const key = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : undefined;
    this.requests.push({ method: req.method ?? '', path, service, idempotencyKey: key, headers: req.headers, body });
    if (this.holding.has(service)) {
      await new Promise<void>((release) => this.held.set(service, [...(this.held.get(service) ?? []), release]));
    }
    const answer = (status: number, payload: unknown): void => {
      const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
      res.writeHead(status, { 'content-type': typeof payload === 'string' ? 'text/plain' : 'application/json' }).end(text);
    };
    if (api !== 'api' || !service) return answer(404, { error: `no route ${path}` });
    if (this.requiredToken !== undefined && req.headers.authorization !== `Bearer ${this.requiredToken}`) {
      return answer(401, { error: 'unauthorized: a valid bearer token is required' });
    }
    const current = this.state.get(service);
    if (req.method === 'GET') {
      if (action === '') {
        return answer(200, { service, deployment: { version: current?.version || null, config: current?.config ?? null }, rollout: this.rolloutState(current, false) });
      }
      if (action === 'version') return answer(200, `${current?.version ?? ''}\n`);
      if (action === 'rollout') return answer(200, { state: this.rolloutState(current, true) });
      return answer(404, { error: `no route ${path}` });
    }
    if (req.method !== 'POST' || (action !== 'deploy' && action !== 'rollback')) return answer(405, { error: `${req.method} ${path} is not supported` });
    if (key === undefined) return answer(400, { error: 'an Idempotency-Key header is required' });
    if (this.appliedKeys.has(key)) return answer(200, { result: 'already applied', key });
    let version: unknown;
    try {
      const json = JSON.parse(body) as Record<string, unknown>;
      version = action === 'deploy' ? json.version : json.to;
    } catch {
      return answer(400, { error: 'the body must be JSON' });
    }
    if (typeof version !== 'string') return answer(422, { error: `${action === 'deploy' ? 'version' : 'to'} must be a string` });

    const fault = this.faults.get(service);
    if (fault && (fault.version === undefined || fault.version === version)) {
      if (--fault.times <= 0) this.faults.delete(service);
      if (fault.halfApply) {
        this.state.set(service, { version: current?.version ?? '', config: version, rolloutPollsLeft: current?.rolloutPollsLeft ?? 0 });
        this.effects.push(`half-apply ${service} ${version}`);
      }
      return answer(fault.status, fault.body);
    }
    this.state.set(service, { version, config: version, rolloutPollsLeft: this.rolloutPolls });
    this.appliedKeys.add(key);
    this.effects.push(`${action} ${service} ${version}`);
    return answer(200, { result: 'applied', service, version });
  }

  private rolloutState(service: ServiceState | undefined, poll: boolean): 'running' | 'done' {
    if (!service || service.rolloutPollsLeft <= 0) return 'done';
    if (poll) service.rolloutPollsLeft--;
    return 'running';
  }
}
