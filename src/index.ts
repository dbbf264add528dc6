import { loadConfig, ConfigError } from './config.ts';
import { createLogger } from './logger.ts';
import { startBot } from './bot.ts';

let config;
try {
	config = loadConfig(process.env);
} catch (error) {
	if (!(error instanceof ConfigError)) throw error;
	process.stderr.write(`${error.message}\n`);
	process.exit(78);
}

const logger = createLogger(config.LOG_LEVEL);

process.on('unhandledRejection', (err) => {
	// One failed relay or interaction must not take the bot down: log it and carry on.
	logger.error({ err }, 'unhandled rejection');
});
process.on('uncaughtException', (err) => {
	logger.fatal({ err }, 'uncaught exception');
	logger.flush();
	process.exit(1);
});

try {
	const bot = await startBot(config, logger);
	let signalled = false;
	const shutdown = (signal: NodeJS.Signals): void => {
		if (signalled) return;
		signalled = true;
		logger.info({ signal }, 'shutting down');
		bot.stop().then(
			() => process.exit(0),
			(err: unknown) => {
				logger.error({ err }, 'shutdown failed');
				process.exit(1);
			},
		);
	};
	process.on('SIGINT', shutdown);
	process.on('SIGTERM', shutdown);
} catch (err) {
	logger.fatal({ err, hint: startupHint(err) }, 'start-up failed');
	logger.flush();
	process.exit(1);
}

/** The usual first-run mistakes, said plainly next to the error. */
function startupHint(error: unknown): string | undefined {
	const text = error instanceof Error ? `${error.name} ${error.message} ${String((error as { code?: unknown }).code)}` : '';
	if (/TokenInvalid|401|4004/.test(text)) return 'Discord rejected DISCORD_TOKEN: copy the bot token again (Developer Portal → Bot → Reset Token).';
	if (/4014|[Dd]isallowed intent/.test(text)) {
		return 'Enable the Message Content intent for the bot (Developer Portal → Bot → Privileged Gateway Intents); the console relay reads thread messages.';
	}
	if (/SQLITE|EACCES|ENOENT/.test(text)) return 'The store could not be opened: check STORAGE_URL and that the directory is writable.';
	return undefined;
}
