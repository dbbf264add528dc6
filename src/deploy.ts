import { REST, Routes, type APIApplication } from 'discord.js';
import { COMMANDS_DIRECTORY } from './bot.ts';
import { ConfigError, loadConfig } from './config.ts';
import { loadCommands } from './discord/loadCommands.ts';
import { registerCommands } from './discord/registerCommands.ts';

// `npm run deploy-commands`: the same compare-then-overwrite the bot does at start-up, without logging in.
try {
	const config = loadConfig(process.env);
	const commands = await loadCommands(COMMANDS_DIRECTORY);
	const rest = new REST({ api: config.DISCORD_API_URL }).setToken(config.DISCORD_TOKEN);
	const application = (await rest.get(Routes.currentApplication())) as APIApplication;
	const outcome = await registerCommands(
		rest,
		{ applicationId: application.id, guildId: config.DISCORD_GUILD_ID },
		[...commands.values()].map((command) => command.data),
	);
	const scope = config.DISCORD_GUILD_ID ? `guild ${config.DISCORD_GUILD_ID}` : 'all guilds (global)';
	console.log(`${commands.size} commands for ${scope}: ${outcome}.`);
} catch (error) {
	console.error(error instanceof ConfigError ? error.message : `Could not register commands: ${String(error)}`);
	process.exitCode = 1;
}
