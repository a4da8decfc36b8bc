import { HttpClient, type HttpRequest, type HttpResponse } from '../../http/http-client.js';
import { IntegrationError } from '../../http/integration-error.js';

export type MediaBrowserFlavor = 'jellyfin' | 'emby';

export interface MediaBrowserClientOptions {
  flavor: MediaBrowserFlavor;
  baseUrl: string;
  apiKey: string;
  allowSelfSigned?: boolean;
  timeoutMs?: number;
  retries?: number;
}

export const USHER_CLIENT = { client: 'Usher', device: 'Usher', deviceId: 'usher-server', version: '0.1.0' };

/** Jellyfin's full client form; the API key alone identifies the caller. */
export function jellyfinAuthorization(apiKey: string): string {
  const { client, device, deviceId, version } = USHER_CLIENT;
  return `MediaBrowser Client="${client}", Device="${device}", DeviceId="${deviceId}", Version="${version}", Token="${encodeURIComponent(apiKey)}"`;
}

/** Emby documents every route under `/emby/`; an admin may paste the URL with or without it. */
export function splitBaseUrl(flavor: MediaBrowserFlavor, baseUrl: string): { root: string; prefix: string } {
  const trimmed = baseUrl.trim().replace(/\/+$/, '');
  if (flavor === 'jellyfin') return { root: trimmed, prefix: '' };
  return { root: trimmed.replace(/\/emby$/i, ''), prefix: '/emby' };
}

/**
 * The one HTTP client of a Jellyfin or Emby server: authenticates the way each server expects
 * (Jellyfin `Authorization: MediaBrowser Token="…"`, Emby `X-Emby-Token`), prefixes Emby paths,
 * and turns the failures an admin can fix into errors that say how.
 */
export class MediaBrowserClient {
  readonly service: string;
  readonly root: string;
  private readonly prefix: string;
  private readonly http: HttpClient;

  constructor(readonly options: MediaBrowserClientOptions) {
    this.service = options.flavor === 'jellyfin' ? 'Jellyfin' : 'Emby';
    const { root, prefix } = splitBaseUrl(options.flavor, options.baseUrl);
    this.root = root;
    this.prefix = prefix;
    this.http = new HttpClient({
      service: this.service,
      baseUrl: root,
      timeoutMs: options.timeoutMs ?? 15_000,
      retries: options.retries ?? 2,
      allowSelfSigned: options.allowSelfSigned ?? false,
      defaultHeaders:
        options.flavor === 'jellyfin'
          ? { authorization: jellyfinAuthorization(options.apiKey), accept: 'application/json' }
          : { 'x-emby-token': options.apiKey, accept: 'application/json' },
    });
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    try {
      return await this.http.request({ ...req, path: this.prefix + req.path });
    } catch (error) {
      throw this.explain(error);
    }
  }

  async getJson<T>(path: string, query?: HttpRequest['query']): Promise<T> {
    const res = await this.request({ method: 'GET', path, ...(query ? { query } : {}) });
    return res.json<T>();
  }

  /**
   * A list the sync diffs against. Anything but an array (an error page, a proxy's answer, a changed
   * API) is a failed read, never "no items": an empty list would make the sync remove everything.
   */
  async getList<T>(path: string, query?: HttpRequest['query']): Promise<T[]> {
    const value = await this.getJson<unknown>(path, query);
    if (!Array.isArray(value)) throw this.unexpectedShape(path, 'a list');
    return value as T[];
  }

  /** A `QueryResult` (`{ Items: [...] }`) read the same way: no `Items` array is a failed read. */
  async getItems<T>(path: string, query?: HttpRequest['query']): Promise<T[]> {
    const value = await this.getJson<unknown>(path, query);
    const items = value !== null && typeof value === 'object' ? (value as { Items?: unknown }).Items : undefined;
    if (!Array.isArray(items)) throw this.unexpectedShape(path, 'an Items list');
    return items as T[];
  }

  private unexpectedShape(path: string, expected: string): IntegrationError {
    return new IntegrationError(this.service, 'invalid_response', `${this.service} answered ${path} without ${expected}; Usher changed nothing.`, true);
  }

  /** A GET at the server root, without the Emby prefix: to ask a server that is not Emby what it is. */
  async getRootJson<T>(path: string): Promise<T> {
    try {
      return (await this.http.request({ method: 'GET', path })).json<T>();
    } catch (error) {
      throw this.explain(error);
    }
  }

  /** POSTs a JSON body; `idempotent` POSTs (full-object writes) may be retried. */
  async post(path: string, options: { json?: unknown; query?: HttpRequest['query']; idempotent?: boolean } = {}): Promise<HttpResponse> {
    return this.request({ method: 'POST', path, ...options, idempotent: options.idempotent ?? false });
  }

  async delete(path: string, query?: HttpRequest['query']): Promise<HttpResponse> {
    return this.request({ method: 'DELETE', path, ...(query ? { query } : {}) });
  }

  close(): Promise<void> {
    return this.http.close();
  }

  private explain(error: unknown): unknown {
    if (!(error instanceof IntegrationError)) return error;
    const where = this.service === 'Jellyfin' ? "Jellyfin's Dashboard → API Keys" : "Emby's Settings → Advanced → API Keys";
    if (error.status === 401) {
      return error.withCause(
        'mediabrowser_bad_api_key',
        `${this.service} refused the API key (401).`,
        `Create an API key in ${where} and save it on this server in Usher.`,
        false,
      );
    }
    if (error.status === 403) {
      const said = error.body?.trim();
      // A bare 403 is the authorization policy (not an admin); with text it is a rule the server enforces.
      if (!said || said === 'Error processing request.') {
        return error.withCause(
          'mediabrowser_forbidden',
          `${this.service} refused the request (403): the key has no administrator rights.`,
          `Use an API key from ${where}; a user's token does not have administrator rights.`,
          false,
        );
      }
      return error.withCause(
        'mediabrowser_refused',
        `${this.service} refused the change: ${said}`,
        `Change the account on the ${this.service} server so the rule no longer applies (administrators, for example, cannot be disabled), then retry.`,
        false,
      );
    }
    return error;
  }
}

/** True for the IntegrationError a remote 404 produced. */
export const isNotFound = (error: unknown): boolean => error instanceof IntegrationError && error.status === 404;
