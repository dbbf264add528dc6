import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const encryptionKey = z
	.string()
	.trim()
	.refine((value) => /^[A-Za-z0-9+/]+={0,2}$/.test(value) && Buffer.from(value, 'base64').length === 32, {
		message: 'must be 32 random bytes in base64 (run `npm run gen-key` to make one)',
	});

const httpUrl = z
	.string()
	.trim()
	.refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), {
		message: 'must be an http(s) URL, e.g. https://panel.example.com',
	});

const storageUrl = z
	.string()
	.trim()
	.refine((value) => /^(sqlite|redis|rediss|postgres|postgresql):\/\/.+/.test(value), {
		message: 'must start with sqlite://, redis://, rediss:// or postgresql://',
	});

export const configSchema = z.object({
	DISCORD_TOKEN: z.string().trim().min(1, 'is required: the bot token from the Discord developer portal'),
	PANEL_URL: httpUrl.transform((value) => value.replace(/\/+$/, '')),
	ENCRYPTION_KEY: encryptionKey,
	ENCRYPTION_KEY_PREVIOUS: encryptionKey.optional(),
	STORAGE_URL: storageUrl.default('sqlite://data/wingman.sqlite'),
	DISCORD_API_URL: httpUrl.default('https://discord.com/api').transform((value) => value.replace(/\/+$/, '')),
	DISCORD_GUILD_ID: z
		.string()
		.trim()
		.regex(/^\d{17,20}$/, 'must be a Discord server (guild) id: 17 to 20 digits')
		.optional(),
	LOG_LEVEL: z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
});

export type Config = Readonly<z.infer<typeof configSchema>>;

export class ConfigError extends Error {
	public constructor(message: string) {
		super(message);
		this.name = 'ConfigError';
	}
}

/** Parses the environment once; every problem is listed in one message, and empty strings count as unset. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
	const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
	const result = configSchema.safeParse(present);
	if (result.success) return Object.freeze(result.data);

	const problems = result.error.issues.map((issue) => {
		const variable = String(issue.path[0] ?? 'environment');
		const detail = issue.code === 'invalid_type' && !(variable in present) ? 'is required' : issue.message;
		return `  - ${variable} ${detail}`;
	});
	throw new ConfigError(
		[
			'Wingman cannot start: the configuration is incomplete or invalid.',
			...problems,
			'Set these in the environment or in a .env file (see .env.example and the README).',
		].join('\n'),
	);
}
