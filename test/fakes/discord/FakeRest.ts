import type { IncomingMessage, ServerResponse } from 'node:http';
import { DiscordHttpError } from './DiscordHttpError.ts';
import type { BucketName, RateLimiter } from './RateLimiter.ts';
import type { RecordedFile, RecordedRequest } from './types.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteContext {
	readonly parameters: Readonly<Record<string, string>>;
	readonly query: Readonly<Record<string, string>>;
	readonly body: unknown;
	readonly files: readonly RecordedFile[];
	readonly at: number;
}

export interface RouteResult {
	readonly status: number;
	readonly body?: unknown;
}

export interface Route {
	readonly method: HttpMethod;
	/** Named groups become parameters; `channelId` is the major parameter for buckets. */
	readonly pattern: RegExp;
	readonly bucket?: BucketName;
	/** Interaction callbacks and interaction webhooks: no token, no global limit, as on Discord. */
	readonly isInteractionRoute?: boolean;
	handle(context: RouteContext): RouteResult | Promise<RouteResult>;
}

export function param(context: RouteContext, name: string): string {
	return context.parameters[name] ?? '';
}

const API_PREFIX = '/api/v10';
const RECENT_REQUESTS_SHOWN = 20;
const DEFAULT_WAIT_MS = 5_000;

interface Waiter {
	readonly predicate: (request: RecordedRequest) => boolean;
	readonly resolve: (request: RecordedRequest) => void;
	readonly reject: (error: Error) => void;
	readonly timer: NodeJS.Timeout;
}

interface ParsedBody {
	readonly body: unknown;
	readonly files: RecordedFile[];
}

/** The HTTP half: auth, rate limits, recording, then the route table. */
export class FakeRest {
	readonly #token: string;
	readonly #routes: readonly Route[];
	readonly #rateLimiter: RateLimiter | null;
	readonly #requests: RecordedRequest[] = [];
	#waiters: Waiter[] = [];
	#rateLimitHits = 0;
	#badRequests = 0;

	public constructor(options: { token: string; routes: readonly Route[]; rateLimiter: RateLimiter | null }) {
		this.#token = options.token;
		this.#routes = options.routes;
		this.#rateLimiter = options.rateLimiter;
	}

	public get requests(): readonly RecordedRequest[] {
		return this.#requests;
	}

	public get rateLimitHits(): number {
		return this.#rateLimitHits;
	}

	public get badRequests(): number {
		return this.#badRequests;
	}

	public handle(request: IncomingMessage, response: ServerResponse): void {
		const at = performance.now();
		this.#handle(request, response, at).catch((error: unknown) => {
			response.destroy(error instanceof Error ? error : new Error(String(error)));
		});
	}

	public waitForRequest(
		predicate: (request: RecordedRequest) => boolean,
		timeoutMs = DEFAULT_WAIT_MS,
	): Promise<RecordedRequest> {
		const past = this.#requests.find(predicate);
		if (past) return Promise.resolve(past);

		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => {
				this.#waiters = this.#waiters.filter((waiter) => waiter.timer !== timer);
				reject(new Error(`No matching request within ${timeoutMs} ms. ${this.describeRecent()}`));
			}, timeoutMs);
			this.#waiters.push({ predicate, resolve, reject, timer });
		});
	}

	public describeRecent(): string {
		const recent = this.#requests.slice(-RECENT_REQUESTS_SHOWN);
		if (recent.length === 0) return 'No requests were made.';
		const lines = recent.map((request) => `  ${request.status} ${request.method} ${request.path}`);
		return `Last ${recent.length} of ${this.#requests.length} requests:\n${lines.join('\n')}`;
	}

	public close(): void {
		for (const waiter of this.#waiters) {
			clearTimeout(waiter.timer);
			waiter.reject(new Error('FakeDiscord stopped'));
		}

		this.#waiters = [];
	}

	async #handle(request: IncomingMessage, response: ServerResponse, at: number): Promise<void> {
		const url = new URL(request.url ?? '/', 'http://127.0.0.1');
		const method = (request.method ?? 'GET').toUpperCase();
		// discord.js encodes segments (`%40original`, emoji); routes and records use the decoded form.
		const pathname = safeDecode(url.pathname);
		const path = pathname.startsWith(`${API_PREFIX}/`) ? pathname.slice(API_PREFIX.length) : pathname;
		const query = Object.fromEntries(url.searchParams);
		const authorization = request.headers.authorization;
		const base = { method, path, query, at, authorization: authorization !== undefined };

		let parsed: ParsedBody;
		try {
			parsed = await parseBody(request);
		} catch {
			const error = new DiscordHttpError(400, 50_109, 'The request body contains invalid JSON.');
			this.#respond(response, { ...base, body: undefined, files: [] }, error.status, error.toJSON(), {});
			return;
		}

		const recordBase = { ...base, ...parsed };
		const match = pathname.startsWith(`${API_PREFIX}/`) ? this.#match(method, path) : null;
		if (!match) {
			this.#respond(response, recordBase, 404, { message: '404: Not Found', code: 0 }, {});
			return;
		}

		const { route, parameters } = match;
		if (!route.isInteractionRoute && authorization !== `Bot ${this.#token}`) {
			this.#respond(response, recordBase, 401, { message: '401: Unauthorized', code: 0 }, {});
			return;
		}

		let headers: Record<string, string> = {};
		if (this.#rateLimiter && !route.isInteractionRoute) {
			const global = this.#rateLimiter.takeGlobal(at);
			if (!global.isAllowed) {
				const retryAfter = global.retryAfterSeconds;
				this.#respond(response, recordBase, 429, rateLimitedBody(retryAfter, true), {
					'Retry-After': String(Math.ceil(retryAfter)),
					'X-RateLimit-Global': 'true',
					'X-RateLimit-Scope': 'global',
				});
				return;
			}
		}

		if (this.#rateLimiter && route.bucket) {
			const decision = this.#rateLimiter.take(route.bucket, parameters.channelId ?? 'global', at);
			headers = decision.headers;
			if (!decision.isAllowed) {
				const retryAfter = decision.retryAfterSeconds;
				this.#respond(response, recordBase, 429, rateLimitedBody(retryAfter, false), {
					...headers,
					// Discord rounds the header up to whole seconds; the body keeps the precise value.
					'Retry-After': String(Math.ceil(retryAfter)),
					'X-RateLimit-Scope': 'user',
				});
				return;
			}
		}

		let result: RouteResult;
		try {
			result = await route.handle({ parameters, query, body: parsed.body, files: parsed.files, at });
		} catch (error) {
			// A bug in the fake must show up in the recorded request, not as a reset socket discord.js retries.
			result =
				error instanceof DiscordHttpError
					? { status: error.status, body: error.toJSON() }
					: { status: 500, body: { message: '500: Internal Server Error', code: 0, error: String(error) } };
		}

		this.#respond(response, recordBase, result.status, result.body, headers);
	}

	#match(method: string, path: string): { route: Route; parameters: Record<string, string> } | null {
		for (const route of this.#routes) {
			if (route.method !== method) continue;
			const found = route.pattern.exec(path);
			if (found) return { route, parameters: { ...found.groups } };
		}

		return null;
	}

	#respond(
		response: ServerResponse,
		request: Omit<RecordedRequest, 'status' | 'response'>,
		status: number,
		body: unknown,
		headers: Record<string, string>,
	): void {
		const recorded: RecordedRequest = { ...request, status, response: body };
		this.#requests.push(recorded);
		if (status === 429) this.#rateLimitHits += 1;
		if (status === 400) this.#badRequests += 1;

		if (body === undefined) {
			response.writeHead(status, headers).end();
		} else {
			response.writeHead(status, { ...headers, 'Content-Type': 'application/json' }).end(JSON.stringify(body));
		}

		const waiters = this.#waiters;
		this.#waiters = [];
		for (const waiter of waiters) {
			if (waiter.predicate(recorded)) {
				clearTimeout(waiter.timer);
				waiter.resolve(recorded);
			} else {
				this.#waiters.push(waiter);
			}
		}
	}
}

async function parseBody(request: IncomingMessage): Promise<ParsedBody> {
	const chunks: Buffer[] = [];
	for await (const chunk of request) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
	const raw = Buffer.concat(chunks);
	const contentType = request.headers['content-type'] ?? '';
	if (raw.length === 0) return { body: undefined, files: [] };
	if (!contentType.startsWith('multipart/form-data')) return { body: JSON.parse(raw.toString('utf8')), files: [] };

	const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
	const files: RecordedFile[] = [];
	const fields: Record<string, unknown> = {};
	let payload: unknown;
	for (const [key, value] of form.entries()) {
		if (typeof value === 'string') {
			if (key === 'payload_json') payload = JSON.parse(value);
			else fields[key] = value;
			continue;
		}

		files.push({ name: value.name, contentType: value.type, data: Buffer.from(await value.arrayBuffer()) });
	}

	return { body: payload ?? fields, files };
}

function rateLimitedBody(retryAfterSeconds: number, isGlobal: boolean): Record<string, unknown> {
	return { message: 'You are being rate limited.', retry_after: retryAfterSeconds, global: isGlobal };
}

function safeDecode(path: string): string {
	try {
		return decodeURIComponent(path);
	} catch {
		return path;
	}
}
