import type { FakeServer, FakeUser } from './model.ts';
import type { ApiKeyRecord } from './permissions.ts';
import { accessTo, hasServerPermission } from './permissions.ts';
import type { FixedWindowLimiter } from './rateLimit.ts';
import type { PanelState } from './state.ts';

/** A panel error answer: `{"errors":[...messages]}` with `status`. */
export class PanelError extends Error {
	public readonly status: number;
	public readonly messages: readonly string[];
	public readonly headers: Readonly<Record<string, string>>;

	public constructor(status: number, messages: string | readonly string[], headers: Record<string, string> = {}) {
		const list = typeof messages === 'string' ? [messages] : messages;
		super(list.join('; '));
		this.name = 'PanelError';
		this.status = status;
		this.messages = list;
		this.headers = headers;
	}
}

export type Reply =
	| { readonly status: number; readonly json: unknown }
	| { readonly status: number; readonly text: string };

export interface Pagination {
	readonly page: number;
	readonly perPage: number;
	readonly search: string | null;
}

export interface PanelLimiters {
	readonly client: FixedWindowLimiter;
	readonly backupCreate: FixedWindowLimiter;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INTEGER_PATTERN = /^[+-]?\d+$/;

export function isUuid(value: string): boolean {
	return UUID_PATTERN.test(value);
}

/** One authenticated panel request, as route handlers see it. */
export class RequestContext {
	public readonly state: PanelState;
	public readonly key: ApiKeyRecord;
	public readonly params: readonly string[];
	public readonly query: URLSearchParams;
	public readonly limiters: PanelLimiters;
	readonly #rawBody: string;
	readonly #contentType: string | undefined;
	#server: FakeServer | null = null;

	public constructor(init: {
		state: PanelState;
		key: ApiKeyRecord;
		params: readonly string[];
		query: URLSearchParams;
		limiters: PanelLimiters;
		rawBody: string;
		contentType: string | undefined;
	}) {
		this.state = init.state;
		this.key = init.key;
		this.params = init.params;
		this.query = init.query;
		this.limiters = init.limiters;
		this.#rawBody = init.rawBody;
		this.#contentType = init.contentType;
	}

	public get user(): FakeUser {
		return this.key.user;
	}

	public get server(): FakeServer {
		if (!this.#server) throw new Error('route has no {server} parameter');
		return this.#server;
	}

	/** API.md §1.8: length-dispatched identifier, 404 for no access, then the lock gate when `isGated`. */
	public resolveServer(identifier: string, isGated: boolean): FakeServer {
		const server = this.#findServer(identifier);
		if (!server || !accessTo(server, this.key)) throw new PanelError(404, 'server not found');
		if (isGated) checkLockGate(server, this.user);
		this.#server = server;
		return server;
	}

	public requireUserPermission(permission: string): void {
		if (!this.key.userPermissions.includes(permission)) throw permissionDenied(permission);
	}

	public requireServerPermission(permission: string): void {
		if (!hasServerPermission(this.server, this.key, permission)) throw permissionDenied(permission);
	}

	/** The JSON body through the panel's content-negotiating extractor (API.md §1.3). */
	public body(): JsonBody {
		if (this.#contentType === undefined) throw new PanelError(400, 'invalid payload: missing content type header');
		if (this.#contentType.trim().toLowerCase() !== 'application/json') {
			// msgpack, xml and yaml are accepted by the real panel; the fake only speaks JSON.
			throw new PanelError(400, 'invalid payload: unsupported content type');
		}
		const text = this.#rawBody.trim() === '' ? '{}' : this.#rawBody;
		let value: unknown;
		try {
			value = JSON.parse(text);
		} catch {
			throw new PanelError(400, `invalid payload: expected value at line 1 column 1`);
		}
		const location = serdeLocation(text);
		if (typeof value !== 'object' || value === null || Array.isArray(value)) {
			throw new PanelError(400, `invalid payload: invalid type: ${describeJson(value)}, expected a map${location}`);
		}
		return new JsonBody(value as Record<string, unknown>, location);
	}

	/** Shared `page` / `per_page` / `search` query (API.md §1.10). */
	public pagination(): Pagination {
		const page = this.integerQuery('page', 1);
		const perPage = this.integerQuery('per_page', 25);
		const search = this.query.get('search') || null;
		const problems = [
			...rangeProblems('page', page, 1, Number.MAX_SAFE_INTEGER),
			...rangeProblems('per_page', perPage, 1, 100),
			...(search !== null && [...search].length > 128 ? ['search: length is greater than 128'] : []),
		];
		if (problems.length > 0) throw new PanelError(400, problems);
		return { page, perPage, search };
	}

	public integerQuery(name: string, fallback: number): number {
		const raw = this.query.get(name);
		if (raw === null) return fallback;
		if (!INTEGER_PATTERN.test(raw)) {
			throw new PanelError(400, `Failed to deserialize query string: ${name}: invalid digit found in string`);
		}
		return Number(raw);
	}

	public booleanQuery(name: string): boolean {
		const raw = this.query.get(name);
		if (raw === null || raw === 'false') return false;
		if (raw === 'true') return true;
		throw new PanelError(
			400,
			`Failed to deserialize query string: ${name}: provided string was not \`true\` or \`false\``,
		);
	}

	#findServer(identifier: string): FakeServer | undefined {
		if (identifier.length === 36) {
			// The panel parses before looking up, and a parse failure is an unhandled error.
			if (!isUuid(identifier)) throw new PanelError(500, 'internal server error');
			return this.state.servers.find((server) => server.uuid === identifier.toLowerCase());
		}
		if (identifier.length === 8) {
			if (!/^\+?[0-9a-f]+$/i.test(identifier)) throw new PanelError(500, 'internal server error');
			const short = Number.parseInt(identifier, 16).toString(16).padStart(8, '0');
			return this.state.servers.find((server) => server.uuid_short === short);
		}
		return undefined;
	}
}

/** A parsed JSON object body with serde-worded type errors. */
export class JsonBody {
	readonly #value: Record<string, unknown>;
	readonly #location: string;

	public constructor(value: Record<string, unknown>, location: string) {
		this.#value = value;
		this.#location = location;
	}

	public has(field: string): boolean {
		return field in this.#value;
	}

	public string(field: string): string {
		if (!this.has(field)) throw this.#error(`missing field \`${field}\``);
		return this.#asString(this.#value[field]);
	}

	public optionalString(field: string): string | null {
		const value = this.#value[field];
		return value === undefined || value === null ? null : this.#asString(value);
	}

	public stringArray(field: string): string[] {
		if (!this.has(field)) throw this.#error(`missing field \`${field}\``);
		const value = this.#value[field];
		if (!Array.isArray(value)) throw this.#error(`invalid type: ${describeJson(value)}, expected a sequence`);
		return value.map((item) => this.#asString(item));
	}

	/** serde's message for a value outside a unit enum. */
	public variant<T extends string>(field: string, variants: readonly T[]): T {
		const value = this.string(field);
		const match = variants.find((variant) => variant === value);
		if (match !== undefined) return match;
		const expected = variants.map((variant) => `\`${variant}\``).join(', ');
		throw this.#error(`unknown variant \`${value}\`, expected one of ${expected}`);
	}

	public fail(message: string): PanelError {
		return this.#error(message);
	}

	#asString(value: unknown): string {
		if (typeof value !== 'string') throw this.#error(`invalid type: ${describeJson(value)}, expected a string`);
		return value;
	}

	#error(message: string): PanelError {
		return new PanelError(400, `invalid payload: ${message}${this.#location}`);
	}
}

/** garde's wording for a string length rule, `<field>: length is lower than <min>`. */
export function lengthProblems(field: string, value: string, min: number, max: number): string[] {
	const length = [...value].length;
	if (length < min) return [`${field}: length is lower than ${min}`];
	if (length > max) return [`${field}: length is greater than ${max}`];
	return [];
}

export function rangeProblems(field: string, value: number, min: number, max: number): string[] {
	if (value < min) return [`${field}: lower than ${min}`];
	if (value > max) return [`${field}: greater than ${max}`];
	return [];
}

export function permissionDenied(permission: string): PanelError {
	return new PanelError(403, `you do not have permission to perform this action: ${permission}`);
}

function checkLockGate(server: FakeServer, user: FakeUser): void {
	if (server.suspended && !user.admin) throw new PanelError(409, 'server is suspended');
	if (server.transferring) throw new PanelError(409, 'server is being transferred');
	switch (server.status) {
		case 'installing':
			throw new PanelError(409, 'server is currently installing');
		case 'install_failed':
			throw new PanelError(409, 'your server has failed its installation process');
		case 'restoring_backup':
			throw new PanelError(409, 'server is restoring from a backup');
		case 'backup_restore_failed':
			throw new PanelError(409, 'your server has failed to restore a backup');
		case null:
			return;
	}
}

// serde_json reports where it stopped reading; for a whole-body error that is the end of the document.
function serdeLocation(text: string): string {
	const lines = text.trimEnd().split('\n');
	return ` at line ${lines.length} column ${(lines.at(-1) ?? '').length}`;
}

function describeJson(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'sequence';
	switch (typeof value) {
		case 'number':
			return Number.isInteger(value) ? `integer \`${value}\`` : `floating point \`${value}\``;
		case 'boolean':
			return `boolean \`${value}\``;
		case 'string':
			return `string ${JSON.stringify(value)}`;
		default:
			return 'map';
	}
}
