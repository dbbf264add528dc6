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
	logger.fatal({ err }, 'start-up failed');
	logger.flush();
	process.exit(1);
}
