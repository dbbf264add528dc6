import type { z } from 'zod';

/** Thrown by route handlers; FakeRest turns it into Discord's JSON error shape. */
export class DiscordHttpError extends Error {
	public readonly status: number;
	public readonly code: number;
	public readonly errors: unknown;

	public constructor(status: number, code: number, message: string, errors?: unknown) {
		super(message);
		this.name = 'DiscordHttpError';
		this.status = status;
		this.code = code;
		this.errors = errors;
	}

	public toJSON(): Record<string, unknown> {
		return this.errors === undefined
			? { message: this.message, code: this.code }
			: { message: this.message, code: this.code, errors: this.errors };
	}
}

export function unknownChannel(): DiscordHttpError {
	return new DiscordHttpError(404, 10_003, 'Unknown Channel');
}

export function unknownMessage(): DiscordHttpError {
	return new DiscordHttpError(404, 10_008, 'Unknown Message');
}

export function unknownWebhook(): DiscordHttpError {
	return new DiscordHttpError(404, 10_015, 'Unknown Webhook');
}

export function unknownInteraction(): DiscordHttpError {
	return new DiscordHttpError(404, 10_062, 'Unknown interaction');
}

/** Discord's 50035 shape: `{ field: { _errors: [{ code, message }] } }`, nested by path. */
export function invalidFormBody(path: readonly (string | number)[], code: string, message: string): DiscordHttpError {
	let errors: unknown = { _errors: [{ code, message }] };
	for (const key of [...path].reverse()) errors = { [key]: errors };
	return new DiscordHttpError(400, 50_035, 'Invalid Form Body', errors);
}

/** Body validation failures answer like Discord: 400, code 50035, the first bad field's path. */
export function parseOrThrow<Schema extends z.ZodType>(
	schema: Schema,
	raw: unknown,
	pathPrefix: readonly (string | number)[] = [],
): z.infer<Schema> {
	const result = schema.safeParse(raw ?? {});
	if (result.success) return result.data;

	const issue = result.error.issues[0];
	throw invalidFormBody(
		[...pathPrefix, ...(issue?.path ?? []).map((key) => (typeof key === 'symbol' ? String(key) : key))],
		'BASE_TYPE_INVALID',
		issue?.message ?? 'Invalid value.',
	);
}
