/** Why a panel call failed; `http` carries the status, the others never reached a usable answer. */
export type PanelFailure = 'http' | 'timeout' | 'unreachable' | 'invalid-response';

export interface PanelApiErrorDetails {
	readonly method: string;
	readonly path: string;
	readonly failure: PanelFailure;
	readonly status?: number;
	readonly errors?: readonly string[];
	readonly retryAfterSeconds?: number | undefined;
}

const PERMISSION_PREFIX = 'you do not have permission to perform this action: ';

/** A failed panel request. Holds the route and the panel's own error strings, never the key or headers. */
export class PanelApiError extends Error {
	public readonly method: string;
	public readonly path: string;
	public readonly failure: PanelFailure;
	/** HTTP status; 0 when no HTTP answer arrived (timeout, unreachable). */
	public readonly status: number;
	public readonly errors: readonly string[];
	public readonly retryAfterSeconds: number | undefined;

	public constructor(details: PanelApiErrorDetails, options?: ErrorOptions) {
		const status = details.status ?? 0;
		const summary = details.failure === 'http' ? String(status) : details.failure;
		const errors = details.errors ?? [];
		super(`${details.method} ${details.path} failed: ${summary}${errors.length ? ` (${errors.join('; ')})` : ''}`, options);
		this.name = 'PanelApiError';
		this.method = details.method;
		this.path = details.path;
		this.failure = details.failure;
		this.status = status;
		this.errors = errors;
		this.retryAfterSeconds = details.retryAfterSeconds;
	}

	/** The permission named by a 403, e.g. `control.stop`; undefined for other 403s (IP, 2FA, suspension). */
	public get missingPermission(): string | undefined {
		if (this.status !== 403) return undefined;
		const message = this.errors.find((error) => error.startsWith(PERMISSION_PREFIX));
		return message?.slice(PERMISSION_PREFIX.length).trim() || undefined;
	}
}

/** A server identifier that the panel would not understand; rejected before any request is made. */
export class InvalidServerIdError extends Error {
	public readonly input: string;

	public constructor(input: string) {
		super('invalid server identifier');
		this.name = 'InvalidServerIdError';
		this.input = input;
	}
}

/** A console command the panel refused because the server has no running process (its 500, decoded). */
export class ServerOfflineError extends Error {
	public constructor(options?: ErrorOptions) {
		super('server is offline', options);
		this.name = 'ServerOfflineError';
	}
}
