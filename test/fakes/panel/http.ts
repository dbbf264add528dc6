import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, STATUS_CODES } from 'node:http';
import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { FixedWindowLimiter } from './rateLimit.ts';
import type { PanelLimiters, Reply } from './request.ts';
import { PanelError, RequestContext } from './request.ts';
import type { Route } from './routes.ts';
import { ROUTES } from './routes.ts';
import type { Injection, PanelState } from './state.ts';

// "Bearer " (7) + a 48-character key; the panel rejects any other length before looking anything up.
const AUTHORIZATION_LENGTH_BYTES = 55;
const BEARER_PREFIX = 'Bearer ';

/** The panel's HTTP side: `/api/client/...` per API.md. */
export function createPanelServer(state: PanelState): Server {
	const limiters: PanelLimiters = {
		client: new FixedWindowLimiter(state.options.rateLimit),
		backupCreate: new FixedWindowLimiter(state.options.backupRateLimit),
	};
	return createServer((request, response) => {
		handleRequest(state, limiters, request, response).catch(() => {
			if (!response.headersSent) response.writeHead(500);
			response.end();
		});
	});
}

async function handleRequest(
	state: PanelState,
	limiters: PanelLimiters,
	request: IncomingMessage,
	response: ServerResponse,
): Promise<void> {
	const at = Date.now();
	const rawBody = await readBody(request);
	const url = new URL(request.url ?? '/', 'http://panel.invalid');
	const method = request.method ?? 'GET';
	const authorization = request.headers.authorization;

	if (state.responseDelayMs > 0) await sleep(state.responseDelayMs, undefined, { signal: state.stopSignal });
	const status = answer(state, limiters, request, response, { method, url, rawBody });
	state.record(state.requests, {
		method,
		path: url.pathname,
		query: Object.fromEntries(url.searchParams),
		key: authorization?.startsWith(BEARER_PREFIX) ? authorization.slice(BEARER_PREFIX.length) : null,
		body: parseForRecord(rawBody),
		status,
		at,
	});
}

function answer(
	state: PanelState,
	limiters: PanelLimiters,
	request: IncomingMessage,
	response: ServerResponse,
	input: { method: string; url: URL; rawBody: string },
): number {
	const { method, url } = input;
	const injection = takeInjection(state.injections, method, url.pathname);
	if (injection) return sendInjected(response, injection);

	const matches = ROUTES.flatMap((route) => {
		const match = route.pattern.exec(url.pathname);
		return match ? [{ route, params: match.slice(1) }] : [];
	});
	const matched = matches.find(({ route }) => route.method === method);
	if (!matched) {
		// A known path with the wrong method gets axum's bare 405.
		if (matches.length > 0) return sendBare(response, 405);
		return sendError(response, new PanelError(404, 'route not found'));
	}

	try {
		const reply = handleRoute(state, limiters, request, matched.route, matched.params, input);
		return send(request, response, reply);
	} catch (error) {
		return sendError(response, error);
	}
}

function handleRoute(
	state: PanelState,
	limiters: PanelLimiters,
	request: IncomingMessage,
	route: Route,
	params: string[],
	input: { url: URL; rawBody: string },
): Reply {
	const verdict = limiters.client.hit(request.socket.remoteAddress ?? 'unknown');
	if (verdict.isLimited) {
		throw new PanelError(429, `you are ratelimited, retry in ${verdict.retryAfterSeconds}s`, verdict.headers);
	}

	const authorization = request.headers.authorization;
	if (authorization === undefined) throw new PanelError(401, 'missing authorization');
	if (Buffer.byteLength(authorization) !== AUTHORIZATION_LENGTH_BYTES || !authorization.startsWith(BEARER_PREFIX)) {
		throw new PanelError(401, 'invalid authorization header');
	}
	const key = state.keys.get(authorization.slice(BEARER_PREFIX.length));
	if (!key || key.isRevoked) throw new PanelError(401, 'invalid api key');
	if (key.user.suspended && !input.url.pathname.startsWith('/api/client/account')) {
		throw new PanelError(403, 'account is suspended');
	}

	const context = new RequestContext({
		state,
		key,
		params,
		query: input.url.searchParams,
		limiters,
		rawBody: input.rawBody,
		contentType: request.headers['content-type'],
	});
	if (route.server) context.resolveServer(params[0] ?? '', route.server === 'gated');
	return route.handle(context);
}

function takeInjection(injections: Injection[], method: string, path: string): Injection | undefined {
	const injection = injections.find(
		(candidate) =>
			(candidate.method === undefined || candidate.method.toUpperCase() === method) &&
			(typeof candidate.path === 'string' ? candidate.path === path : candidate.path.test(path)),
	);
	if (!injection) return undefined;
	injection.remaining -= 1;
	if (injection.remaining <= 0) injections.splice(injections.indexOf(injection), 1);
	return injection;
}

function sendInjected(response: ServerResponse, injection: Injection): number {
	const { status, headers = {} } = injection.response;
	const body = injection.response.body ?? defaultErrorBody(status);
	const rateLimitHeaders: Record<string, string> =
		status === 429
			? { 'Retry-After': '1', 'X-RateLimit-Limit': '360', 'X-RateLimit-Remaining': '0' }
			: {};
	if (typeof body === 'string') {
		response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...rateLimitHeaders, ...headers });
		response.end(body);
	} else {
		const text = JSON.stringify(body);
		response.writeHead(status, { ...jsonHeaders(text), ...rateLimitHeaders, ...headers });
		response.end(text);
	}
	return status;
}

function defaultErrorBody(status: number): unknown {
	if (status < 400) return {};
	if (status === 429) return { errors: ['you are ratelimited, retry in 1s'] };
	if (status === 500) return { errors: ['internal server error'] };
	return { errors: [(STATUS_CODES[status] ?? 'error').toLowerCase()] };
}

function send(request: IncomingMessage, response: ServerResponse, reply: Reply): number {
	if ('text' in reply) {
		response.writeHead(reply.status, { 'Content-Type': 'text/plain; charset=utf-8' });
		response.end(reply.text);
		return reply.status;
	}
	const text = JSON.stringify(reply.json);
	const headers = jsonHeaders(text);
	if (reply.status === 200 && request.headers['if-none-match'] === headers.ETag) {
		response.writeHead(304, { ETag: headers.ETag, Vary: 'Accept' });
		response.end();
		return 304;
	}
	response.writeHead(reply.status, headers);
	response.end(text);
	return reply.status;
}

function sendError(response: ServerResponse, error: unknown): number {
	const panelError = error instanceof PanelError ? error : new PanelError(500, 'internal server error');
	const text = JSON.stringify({ errors: panelError.messages });
	response.writeHead(panelError.status, { ...jsonHeaders(text), ...panelError.headers });
	response.end(text);
	return panelError.status;
}

function sendBare(response: ServerResponse, status: number): number {
	response.writeHead(status, { 'Content-Length': '0' });
	response.end();
	return status;
}

function jsonHeaders(text: string): { 'Content-Type': string; Vary: string; ETag: string } {
	return {
		'Content-Type': 'application/json',
		Vary: 'Accept',
		ETag: createHash('sha256').update(text).digest('hex'),
	};
}

async function readBody(request: IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of request) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString('utf8');
}

function parseForRecord(rawBody: string): unknown {
	if (rawBody === '') return null;
	try {
		return JSON.parse(rawBody) as unknown;
	} catch {
		return rawBody;
	}
}
