import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { APIApplicationCommandInteractionDataOption } from 'discord.js';
import { createLogger } from '../src/logger.ts';
import { LinkStore } from '../src/store/links.ts';
import { sealKeyFromBase64 } from '../src/store/seal.ts';
import { openStorage } from '../src/store/storage.ts';
import { FakeDiscord, type FakeInteraction, type FakeMessage } from '../test/fakes/discord/FakeDiscord.ts';
import { FakePanel, type FakeServer, type FakeUser } from '../test/fakes/panel/FakePanel.ts';
import { BotHandle, type BotLaunchOptions } from './BotHandle.ts';

// The panel's per-IP limit (360 requests / 30 s) would be the bottleneck long before Discord's, and it is
// not what this bench measures; it is lifted so every figure is about the bot and Discord.
const UNLIMITED_PANEL = { hits: 1_000_000, windowSeconds: 1 };
const ANSWER_TIMEOUT_MS = 30_000;
const REPLAY_TIMEOUT_MS = 10_000;

export interface BenchUser {
	readonly discordId: string;
	readonly panelUser: FakeUser;
	readonly key: string;
	readonly servers: FakeServer[];
}

export interface BenchRigOptions {
	readonly users: number;
	readonly serversPerUser: number;
	/** Extra text channels, created before the bot logs in so they arrive in GUILD_CREATE. */
	readonly textChannels?: number;
	readonly launch?: BotLaunchOptions;
}

/** Fake Discord and fake panel in this process, the real bot in a child process, users linked in its store. */
export class BenchRig {
	public readonly discord: FakeDiscord;
	public readonly panel: FakePanel;
	public readonly bot: BotHandle;
	public readonly users: readonly BenchUser[];
	public readonly channels: readonly string[];
	readonly #directory: string;

	private constructor(parts: {
		discord: FakeDiscord;
		panel: FakePanel;
		bot: BotHandle;
		users: BenchUser[];
		channels: string[];
		directory: string;
	}) {
		this.discord = parts.discord;
		this.panel = parts.panel;
		this.bot = parts.bot;
		this.users = parts.users;
		this.channels = parts.channels;
		this.#directory = parts.directory;
	}

	public static async start(options: BenchRigOptions): Promise<BenchRig> {
		const discord = await FakeDiscord.start();
		const panel = await FakePanel.start({ rateLimit: UNLIMITED_PANEL });
		const channels = Array.from({ length: options.textChannels ?? 0 }, () => discord.addTextChannel());
		const directory = mkdtempSync(join(tmpdir(), 'wingman-bench-'));
		const storageUrl = `sqlite://${join(directory, 'wingman.sqlite')}`;
		const encryptionKey = randomBytes(32).toString('base64');

		const users: BenchUser[] = [];
		for (let index = 0; index < options.users; index++) {
			const panelUser = panel.addUser({ username: `player${index}` });
			const servers = Array.from({ length: options.serversPerUser }, (_, serverIndex) =>
				panel.addServer({ owner: panelUser, state: 'running', name: `Survival ${index}-${serverIndex}` }),
			);
			const discordId = `3000000000000${String(index).padStart(5, '0')}`;
			users.push({ discordId, panelUser, key: panel.addKey(panelUser), servers });
		}
		await seedLinks(storageUrl, encryptionKey, users);

		const bot = await BotHandle.start(
			{
				DISCORD_TOKEN: discord.token,
				DISCORD_API_URL: discord.apiUrl,
				DISCORD_GUILD_ID: discord.guildId,
				PANEL_URL: panel.url,
				ENCRYPTION_KEY: encryptionKey,
				STORAGE_URL: storageUrl,
				LOG_LEVEL: 'warn',
			},
			options.launch,
		);
		return new BenchRig({ discord, panel, bot, users, channels, directory });
	}

	public async stop(): Promise<void> {
		await this.bot.stop();
		await Promise.allSettled([this.discord.stop(), this.panel.stop()]);
		rmSync(this.#directory, { recursive: true, force: true });
	}

	/** `/console start` as a user would; resolves with the thread id once Wings has replayed its history. */
	public async startRelay(user: BenchUser, server: FakeServer, channelId: string): Promise<string> {
		const interaction = this.discord.chatInput({
			userId: user.discordId,
			commandName: 'console',
			channelId,
			options: [subcommand('start', [stringOption('server', server.uuid)])],
		});
		const answer = await this.answer(interaction);
		const threadId = /<#(\d+)>/.exec(answer.content)?.[1];
		if (!threadId) throw new Error(`/console start did not start a relay: ${answer.content}`);
		// The bot asks for the history, then pings; Wings' pong marks the end of the replay window.
		const isReplayed = () =>
			this.panel.sockets.some(
				(socket) =>
					socket.serverUuid === server.uuid && socket.isOpen && socket.framesOut.some((frame) => frame.event === 'pong'),
			);
		await this.panel.waitFor(isReplayed, REPLAY_TIMEOUT_MS);
		return threadId;
	}

	/** The interaction's visible answer: an immediate reply, or the deferred reply once edited. */
	public async answer(interaction: FakeInteraction): Promise<FakeMessage> {
		let found: FakeMessage | undefined;
		await this.discord.waitForRequest(() => {
			const candidates = [this.discord.interactionReply(interaction.token), ...this.discord.followUps(interaction.token)];
			found = candidates.find((message): message is FakeMessage => message !== undefined && message.content.length > 0);
			return found !== undefined;
		}, ANSWER_TIMEOUT_MS);
		if (!found) throw new Error('no answer');
		return found;
	}
}

export const stringOption = (name: string, value: string, focused = false): APIApplicationCommandInteractionDataOption =>
	({ type: 3, name, value, ...(focused ? { focused: true } : {}) }) as APIApplicationCommandInteractionDataOption;

export const subcommand = (
	name: string,
	options: APIApplicationCommandInteractionDataOption[] = [],
): APIApplicationCommandInteractionDataOption => ({ type: 1, name, options }) as APIApplicationCommandInteractionDataOption;

/** Writes the links the way /link would, into the store the bot will open. */
async function seedLinks(storageUrl: string, encryptionKey: string, users: readonly BenchUser[]): Promise<void> {
	const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
	const storage = await openStorage(storageUrl, createLogger('silent', discard));
	const links = new LinkStore(storage.namespace('links'), { current: sealKeyFromBase64(encryptionKey) });
	for (const user of users) {
		const { uuid, username } = user.panelUser;
		await links.set(user.discordId, { apiKey: user.key, panelUser: { uuid, username } });
	}
	await storage.close();
}
