import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Client, Events, GatewayIntentBits, Options, type Interaction, type Message } from 'discord.js';
import type { Config } from './config.ts';
import { loadCommands } from './discord/loadCommands.ts';
import { NO_MENTIONS } from './discord/messages.ts';
import { registerCommands } from './discord/registerCommands.ts';
import { routeInteraction } from './discord/router.ts';
import type { Logger } from './logger.ts';
import { createPanelDispatcher, PanelClient } from './panel/PanelClient.ts';
import { ServerDirectory } from './panel/ServerDirectory.ts';
import { RelayEnded, type RelayEnvironment } from './relay/ConsoleRelay.ts';
import { GlobalPacer } from './relay/RelayPacer.ts';
import { RelayRegistry } from './relay/RelayRegistry.ts';
import { handleThreadInput } from './relay/threadInput.ts';
import { LinkStore } from './store/links.ts';
import { RelayStore } from './store/relays.ts';
import { sealKeyFromBase64 } from './store/seal.ts';
import { openStorage } from './store/storage.ts';
import type { Deps } from './types.ts';

export const COMMANDS_DIRECTORY = fileURLToPath(new URL('../commands/', import.meta.url));

export interface Bot {
	readonly deps: Deps;
	/** Stops taking work, closes sockets and the store. Safe to call twice. */
	stop(): Promise<void>;
}

export interface BotOptions {
	/** Console socket tuning; the defaults follow Wings' timings, tests shorten them. */
	readonly relaySocket?: RelayEnvironment['socket'];
}

/** Wires config → store → panel → Discord and logs in; resolves once the gateway is ready. */
export async function startBot(config: Config, logger: Logger, options: BotOptions = {}): Promise<Bot> {
	const commands = await loadCommands(COMMANDS_DIRECTORY);
	const storage = await openStorage(config.STORAGE_URL, logger);
	const links = new LinkStore(storage.namespace('links'), {
		current: sealKeyFromBase64(config.ENCRYPTION_KEY),
		previous: config.ENCRYPTION_KEY_PREVIOUS ? sealKeyFromBase64(config.ENCRYPTION_KEY_PREVIOUS) : undefined,
	});
	const relayStore = new RelayStore(storage.namespace('relays'));
	const dispatcher = createPanelDispatcher();
	const panelFor = (apiKey: string) => new PanelClient({ baseUrl: config.PANEL_URL, apiKey, dispatcher });
	const client = new Client({
		intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
		rest: { api: config.DISCORD_API_URL },
		allowedMentions: NO_MENTIONS,
		// Wingman reads no message history; caching messages would only cost memory under console floods.
		makeCache: Options.cacheWithLimits({
			...Options.DefaultMakeCacheSettings,
			MessageManager: 0,
			ReactionManager: 0,
			GuildMemberManager: { maxSize: 200, keepOverLimit: (member) => member.id === member.client.user.id },
			PresenceManager: 0,
		}),
	});
	client.on(Events.Error, (err) => logger.error({ err }, 'discord client error'));
	let stopping = false;
	// discord.js also reports its own close during destroy() as a reconnect; only real ones are news.
	client.on(Events.ShardReconnecting, () => {
		if (!stopping) logger.warn('gateway reconnecting');
	});
	client.on(Events.ShardResume, () => logger.info('gateway resumed'));

	const relays = new RelayRegistry(
		{
			rest: client.rest,
			links,
			panelFor,
			panelUrl: config.PANEL_URL,
			globalPacer: new GlobalPacer(),
			logger: logger.child({ component: 'relay' }),
			socket: options.relaySocket,
		},
		relayStore,
	);

	const stop = async (): Promise<void> => {
		if (stopping) return;
		stopping = true;
		client.removeAllListeners(Events.InteractionCreate);
		client.removeAllListeners(Events.MessageCreate);
		await relays.shutdown();
		await client.destroy();
		await dispatcher.close();
		await storage.close();
		logger.info('stopped');
	};

	try {
		const ready = once(client, Events.ClientReady) as Promise<[Client<true>]>;
		await client.login(config.DISCORD_TOKEN);
		const [readyClient] = await ready;
		logger.info({ user: readyClient.user.tag, guilds: readyClient.guilds.cache.size }, 'logged in to discord');

		const deps: Deps = {
			config,
			logger,
			client: readyClient,
			links,
			panelFor,
			servers: new ServerDirectory(),
			relays,
		};
		const outcome = await registerCommands(
			readyClient.rest,
			{ applicationId: readyClient.application.id, guildId: config.DISCORD_GUILD_ID },
			[...commands.values()].map((command) => command.data),
		);
		logger.info({ outcome, commands: commands.size, guildId: config.DISCORD_GUILD_ID }, 'slash commands checked');

		client.on(Events.InteractionCreate, (interaction: Interaction) => {
			if (stopping) return;
			routeInteraction(interaction, commands, deps).catch((err: unknown) =>
				logger.error({ err, interactionId: interaction.id }, 'interaction handler crashed'),
			);
		});
		client.on(Events.MessageCreate, (message: Message) => {
			const relay = relays.get(message.channelId);
			if (!relay || stopping) return;
			handleThreadInput(message, relay, deps).catch((err: unknown) =>
				logger.error({ err, messageId: message.id }, 'thread input crashed'),
			);
		});
		client.on(Events.ThreadUpdate, (_old, thread) => {
			if (thread.archived && relays.get(thread.id)) {
				void relays.stop(thread.id, new RelayEnded('the thread was archived.', false));
			}
		});
		client.on(Events.ThreadDelete, (thread) => {
			if (relays.get(thread.id)) void relays.stop(thread.id, new RelayEnded('the thread was deleted.', false));
		});
		const resumed = await relays.restore();
		if (resumed > 0) logger.info({ resumed }, 'console relays resumed');
		return { deps, stop };
	} catch (error) {
		await stop();
		throw error;
	}
}
