import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

// Secrets can only reach a log line through these fields; everything else we log is ids and states.
export const REDACTED_PATHS = [
	'apiKey',
	'*.apiKey',
	'key',
	'*.key',
	'token',
	'*.token',
	'authorization',
	'*.authorization',
	'headers.authorization',
	'*.headers.authorization',
	'err.request.headers.authorization',
	'DISCORD_TOKEN',
	'*.DISCORD_TOKEN',
	'ENCRYPTION_KEY',
	'*.ENCRYPTION_KEY',
	'ENCRYPTION_KEY_PREVIOUS',
	'*.ENCRYPTION_KEY_PREVIOUS',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
	const options: LoggerOptions = {
		level,
		base: { app: 'wingman' },
		redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
	};
	if (destination) return pino(options, destination);
	if (process.stdout.isTTY) return pino({ ...options, transport: { target: 'pino-pretty' } });
	return pino(options);
}
