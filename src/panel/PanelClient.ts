import { setTimeout as delay } from 'node:timers/promises';
import { Agent, request, type Dispatcher } from 'undici';
import type { z } from 'zod';
import { PanelApiError, ServerOfflineError } from './PanelApiError.ts';
import {
	accountResponse,
	backupListResponse,
	backupResponse,
	downloadResponse,
	emptyResponse,
	panelErrorBody,
	resourcesResponse,
	serverListResponse,
	serverResponse,
	websocketTokenResponse,
	type PanelAccount,
	type PanelBackup,
	type PanelServer,
	type PowerAction,
	type ResourceUsage,
	type WebsocketCredentials,
} from './schemas.ts';
import { parseServerId } from './serverId.ts';

const REQUEST_TIMEOUT_MS = 10_000;
// A 429 is waited out only while the wait stays short enough for a person watching a deferred reply.
const RATE_LIMIT_BUDGET_MS = 6_000;
const SERVER_PAGE_SIZE = 100;
// Bounds one listing to 10 requests: more servers than this is an admin key, not a person's list.
const MAX_SERVER_PAGES = 10;

/**
 * One pooled keep-alive connection set to the panel, shared by every user's client. The pool is wide
 * because a slow panel holds each connection for the whole answer: 64 connections at 2 s an answer
 * would cap the bot at 32 requests/s.
 */
export function createPanelDispatcher(): Dispatcher {
	return new Agent({ keepAliveTimeout: 30_000, connections: 512, pipelining: 1 });
}

export interface PanelClientOptions {
	readonly baseUrl: string;
	readonly apiKey: string;
	readonly dispatcher: Dispatcher;
	readonly timeoutMs?: number;
	readonly rateLimitBudgetMs?: number;
	readonly userAgent?: string;
}

interface RequestOptions {
	readonly body?: unknown;
	readonly query?: Readonly<Record<string, string | number>>;
	readonly signal?: AbortSignal | undefined;
}

export interface BackupPage {
	readonly backups: readonly PanelBackup[];
	readonly total: number;
	readonly page: number;
	readonly perPage: number;
}

/** The Calagopus client API as one user's key sees it. */
export class PanelClient {
	readonly #baseUrl: string;
	readonly #apiKey: string;
	readonly #dispatcher: Dispatcher;
	readonly #timeoutMs: number;
	readonly #rateLimitBudgetMs: number;
	readonly #userAgent: string;

	public constructor(options: PanelClientOptions) {
		this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
		this.#apiKey = options.apiKey;
		this.#dispatcher = options.dispatcher;
		this.#timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
		this.#rateLimitBudgetMs = options.rateLimitBudgetMs ?? RATE_LIMIT_BUDGET_MS;
		this.#userAgent = options.userAgent ?? 'Wingman (Discord bot for Calagopus)';
	}

	public async getAccount(signal?: AbortSignal): Promise<PanelAccount> {
		return (await this.#json('GET', '/api/client/account', accountResponse, { signal })).user;
	}

	/** Every server the key can see, following pages until an empty one (the panel reports total 0 past the end). */
	public async listServers(options: { search?: string; signal?: AbortSignal } = {}): Promise<PanelServer[]> {
		const servers: PanelServer[] = [];
		for (let page = 1; page <= MAX_SERVER_PAGES; page++) {
			const query: Record<string, string | number> = { page, per_page: SERVER_PAGE_SIZE };
			if (options.search) query.search = options.search.slice(0, 128);
			const { servers: result } = await this.#json('GET', '/api/client/servers', serverListResponse, {
				query,
				signal: options.signal,
			});
			servers.push(...result.data);
			if (result.data.length < SERVER_PAGE_SIZE || servers.length >= result.total) break;
		}
		return servers;
	}

	public async getServer(server: string, signal?: AbortSignal): Promise<PanelServer> {
		return (await this.#json('GET', serverPath(server), serverResponse, { signal })).server;
	}

	public async getResources(server: string, signal?: AbortSignal): Promise<ResourceUsage> {
		return (await this.#json('GET', `${serverPath(server)}/resources`, resourcesResponse, { signal })).resources;
	}

	/** The panel answers `{}` even when Wings later refuses the action: callers re-check the state. */
	public async power(server: string, action: PowerAction, signal?: AbortSignal): Promise<void> {
		await this.#json('POST', `${serverPath(server)}/power`, emptyResponse, { body: { action }, signal });
	}

	/**
	 * The panel reports Wings' "server is offline" as a bare 500 (API.md §1.9); a 500 while the server is
	 * offline is raised as ServerOfflineError so callers can say what happened.
	 */
	public async sendCommand(server: string, command: string, signal?: AbortSignal): Promise<void> {
		try {
			await this.#json('POST', `${serverPath(server)}/command`, emptyResponse, { body: { command }, signal });
		} catch (error) {
			if (!(error instanceof PanelApiError) || error.status !== 500) throw error;
			const usage = await this.getResources(server, signal).catch(() => undefined);
			throw usage?.state === 'offline' ? new ServerOfflineError({ cause: error }) : error;
		}
	}

	public async getWebsocketCredentials(server: string, signal?: AbortSignal): Promise<WebsocketCredentials> {
		return this.#json('GET', `${serverPath(server)}/websocket`, websocketTokenResponse, { signal });
	}

	public async getLogs(server: string, lines: number, signal?: AbortSignal): Promise<string> {
		const count = Math.min(1_000, Math.max(1, Math.trunc(lines)));
		return this.#text('GET', `${serverPath(server)}/logs`, { query: { lines: count }, signal });
	}

	public async listBackups(
		server: string,
		options: { page?: number; perPage?: number; signal?: AbortSignal } = {},
	): Promise<BackupPage> {
		const query = { page: options.page ?? 1, per_page: options.perPage ?? 25 };
		const { backups } = await this.#json('GET', `${serverPath(server)}/backups`, backupListResponse, {
			query,
			signal: options.signal,
		});
		return { backups: backups.data, total: backups.total, page: backups.page, perPage: backups.per_page };
	}

	public async createBackup(
		server: string,
		options: { name?: string | undefined; ignoredFiles?: readonly string[] | undefined },
		signal?: AbortSignal,
	): Promise<PanelBackup> {
		const body = { name: options.name ?? null, ignored_files: options.ignoredFiles ?? [] };
		return (await this.#json('POST', `${serverPath(server)}/backups`, backupResponse, { body, signal })).backup;
	}

	public async getBackup(server: string, backup: string, signal?: AbortSignal): Promise<PanelBackup> {
		return (await this.#json('GET', backupPath(server, backup), backupResponse, { signal })).backup;
	}

	public async getBackupDownloadUrl(server: string, backup: string, signal?: AbortSignal): Promise<string> {
		return (await this.#json('GET', `${backupPath(server, backup)}/download`, downloadResponse, { signal })).url;
	}

	async #json<Schema extends z.ZodType>(
		method: string,
		path: string,
		schema: Schema,
		options: RequestOptions,
	): Promise<z.infer<Schema>> {
		const text = await this.#text(method, path, options);
		let body: unknown;
		try {
			body = text === '' ? {} : JSON.parse(text);
		} catch (cause) {
			throw new PanelApiError({ method, path, failure: 'invalid-response', status: 200 }, { cause });
		}
		const parsed = schema.safeParse(body);
		if (!parsed.success) {
			throw new PanelApiError({ method, path, failure: 'invalid-response', status: 200 }, { cause: parsed.error });
		}
		return parsed.data;
	}

	async #text(method: string, path: string, options: RequestOptions): Promise<string> {
		const deadline = Date.now() + this.#rateLimitBudgetMs;
		for (;;) {
			const { status, headers, text } = await this.#exchange(method, path, options);
			if (status < 400) return text;

			const error = new PanelApiError({
				method,
				path,
				failure: 'http',
				status,
				errors: errorStrings(text),
				retryAfterSeconds: retryAfterSeconds(headers['retry-after']),
			});
			// 429s are refused before the panel acts, so repeating one is safe; nothing else is retried.
			const waitMs = (error.retryAfterSeconds ?? Number.POSITIVE_INFINITY) * 1_000;
			if (error.status !== 429 || Date.now() + waitMs > deadline) throw error;
			await delay(waitMs, undefined, { signal: options.signal });
		}
	}

	/**
	 * One request and its whole body under one timeout. The caller's signal is linked by hand and
	 * unlinked afterwards: long-lived signals (a relay's) see thousands of requests, and
	 * AbortSignal.any would leave a listener on them for each.
	 */
	async #exchange(
		method: string,
		path: string,
		options: RequestOptions,
	): Promise<{ status: number; headers: Dispatcher.ResponseData['headers']; text: string }> {
		if (options.signal?.aborted) throw options.signal.reason;
		const url = new URL(this.#baseUrl + path);
		for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.set(name, String(value));
		const headers: Record<string, string> = {
			authorization: `Bearer ${this.#apiKey}`,
			accept: 'application/json',
			'user-agent': this.#userAgent,
		};
		// The panel compares the media type exactly: a charset parameter would make it answer 400.
		if (options.body !== undefined) headers['content-type'] = 'application/json';

		const controller = new AbortController();
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			controller.abort();
		}, this.#timeoutMs);
		const forward = (): void => controller.abort(options.signal?.reason);
		options.signal?.addEventListener('abort', forward, { once: true });
		try {
			const response = await request(url, {
				method: method as Dispatcher.HttpMethod,
				headers,
				body: options.body === undefined ? undefined : JSON.stringify(options.body),
				dispatcher: this.#dispatcher,
				signal: controller.signal,
			});
			return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
		} catch (cause) {
			if (options.signal?.aborted) throw options.signal.reason;
			throw new PanelApiError({ method, path, failure: timedOut ? 'timeout' : 'unreachable' }, { cause: stripRequest(cause) });
		} finally {
			clearTimeout(timer);
			options.signal?.removeEventListener('abort', forward);
		}
	}
}

function serverPath(server: string): string {
	return `/api/client/servers/${encodeURIComponent(parseServerId(server))}`;
}

function backupPath(server: string, backup: string): string {
	return `${serverPath(server)}/backups/${encodeURIComponent(backup)}`;
}

function errorStrings(text: string): string[] {
	try {
		const parsed = panelErrorBody.safeParse(JSON.parse(text));
		return parsed.success ? parsed.data.errors : [];
	} catch {
		return [];
	}
}

function retryAfterSeconds(header: string | string[] | undefined): number | undefined {
	const value = Number(Array.isArray(header) ? header[0] : header);
	return Number.isFinite(value) && value >= 0 ? value : undefined;
}

// undici errors can hold the request options (and so the Authorization header) on their properties.
function stripRequest(cause: unknown): Error {
	if (cause instanceof Error) {
		const safe = new Error(cause.message);
		safe.name = cause.name;
		return safe;
	}
	return new Error('request failed');
}
