import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { APIApplicationCommandInteractionDataOption } from 'discord.js';
import { startBot, type Bot, type BotOptions } from '../../src/bot.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { FakeDiscord, type FakeDiscordOptions, type FakeInteraction, type FakeMessage, type RecordedRequest } from '../fakes/discord/FakeDiscord.ts';
import { FakePanel, type FakePanelOptions, type FakeServer, type FakeUser } from '../fakes/panel/FakePanel.ts';

export interface RigOptions {
	readonly discord?: FakeDiscordOptions;
	readonly panel?: FakePanelOptions;
	readonly bot?: BotOptions;
	readonly env?: Readonly<Record<string, string>>;
}

export interface LinkedUser {
	readonly discordId: string;
	readonly panelUser: FakeUser;
	readonly key: string;
}

/**
 * The real bot, logged in to a fake Discord, talking to a fake Calagopus panel and Wings, with its
 * log lines captured so tests can assert on them (and on what never appears in them).
 */
export class Rig {
	public readonly discord: FakeDiscord;
	public readonly panel: FakePanel;
	public config: Config;
	public readonly logLines: string[];
	public bot: Bot;
	readonly #botOptions: BotOptions;
	#nextUser = 1;

	private constructor(discord: FakeDiscord, panel: FakePanel, config: Config, bot: Bot, botOptions: BotOptions, logLines: string[]) {
		this.logLines = logLines;
		this.discord = discord;
		this.panel = panel;
		this.config = config;
		this.bot = bot;
		this.#botOptions = botOptions;
	}

	public static async start(options: RigOptions = {}): Promise<Rig> {
		const discord = await FakeDiscord.start(options.discord);
		const panel = await FakePanel.start(options.panel);
		const directory = mkdtempSync(join(tmpdir(), 'wingman-e2e-'));
		const config = loadConfig({
			DISCORD_TOKEN: discord.token,
			DISCORD_API_URL: discord.apiUrl,
			DISCORD_GUILD_ID: discord.guildId,
			PANEL_URL: panel.url,
			ENCRYPTION_KEY: randomBytes(32).toString('base64'),
			STORAGE_URL: `sqlite://${join(directory, 'wingman.sqlite')}`,
			LOG_LEVEL: 'debug',
			...options.env,
		});
		const logLines: string[] = [];
		const botOptions = options.bot ?? {};
		const bot = await startBot(config, createLogger(config.LOG_LEVEL, captureInto(logLines)), botOptions);
		return new Rig(discord, panel, config, bot, botOptions, logLines);
	}

	/** Stops the bot as SIGTERM would and starts it again on the same store, optionally reconfigured. */
	public async restart(changes: Partial<Config> = {}): Promise<void> {
		await this.bot.stop();
		this.config = { ...this.config, ...changes };
		this.bot = await startBot(this.config, createLogger(this.config.LOG_LEVEL, captureInto(this.logLines)), this.#botOptions);
	}

	public async stop(): Promise<void> {
		await this.bot.stop();
		await Promise.allSettled([this.discord.stop(), this.panel.stop()]);
	}

	/** A panel user with a key, linked to a fresh Discord user id (through the store, as /link would). */
	public async linkUser(scopes?: { user?: string[]; server?: string[] }, panelUser?: FakeUser): Promise<LinkedUser> {
		const user = panelUser ?? this.panel.addUser();
		const key = this.panel.addKey(user, scopes);
		const discordId = this.newDiscordUserId();
		await this.bot.deps.links.set(discordId, { apiKey: key, panelUser: { uuid: user.uuid, username: user.username } });
		return { discordId, panelUser: user, key };
	}

	public newDiscordUserId(): string {
		return `2000000000000${String(this.#nextUser++).padStart(5, '0')}`;
	}

	public addServer(owner: FakeUser, input: Omit<Parameters<FakePanel['addServer']>[0], 'owner'> = {}): FakeServer {
		return this.panel.addServer({ owner, state: 'running', ...input });
	}

	public command(
		userId: string,
		commandName: string,
		options: APIApplicationCommandInteractionDataOption[] = [],
		channelId?: string,
	): FakeInteraction {
		return this.discord.chatInput({ userId, commandName, options, ...(channelId ? { channelId } : {}) });
	}

	/** The interaction's visible answer once it has one: an immediate reply, or the deferred reply's edit. */
	public async answer(interaction: FakeInteraction, predicate: (message: FakeMessage) => boolean = () => true): Promise<FakeMessage> {
		let found: FakeMessage | undefined;
		await this.discord.waitForRequest(() => {
			const candidates = [this.discord.interactionReply(interaction.token), ...this.discord.followUps(interaction.token)];
			found = candidates.find(
				(message): message is FakeMessage => message !== undefined && hasSubstance(message) && predicate(message),
			);
			return found !== undefined;
		});
		if (!found) throw new Error('no answer');
		return found;
	}

	/** Clicks a button the bot put on `message`; throws if the message carries no such button. */
	public click(userId: string, message: FakeMessage, customId: string): FakeInteraction {
		if (!customIdsOf(message).includes(customId)) {
			throw new Error(`message ${message.id} has no button ${customId}; it has ${customIdsOf(message).join(', ') || 'none'}`);
		}
		return this.discord.button({ userId, customId, messageId: message.id });
	}

	/** The stored message once `predicate` holds for it (re-checked on every request the fake receives). */
	public async messageWhen(messageId: string, predicate: (message: FakeMessage) => boolean): Promise<FakeMessage> {
		let found: FakeMessage | undefined;
		await this.discord.waitForRequest(() => {
			const message = this.discord.findMessage(messageId);
			found = message && predicate(message) ? message : undefined;
			return found !== undefined;
		});
		if (!found) throw new Error(`message ${messageId} never matched`);
		return found;
	}

	public requestsTo(method: string, pathPattern: RegExp): RecordedRequest[] {
		return this.discord.requests.filter((request) => request.method === method && pathPattern.test(request.path));
	}

	public allLogs(): string {
		return this.logLines.join('');
	}
}

export const stringOption = (name: string, value: string): APIApplicationCommandInteractionDataOption => ({ type: 3, name, value });
export const booleanOption = (name: string, value: boolean): APIApplicationCommandInteractionDataOption => ({ type: 5, name, value });
export const subcommand = (
	name: string,
	options: APIApplicationCommandInteractionDataOption[] = [],
): APIApplicationCommandInteractionDataOption => ({ type: 1, name, options }) as APIApplicationCommandInteractionDataOption;

/** Every button custom id on a message, row by row. */
export function customIdsOf(message: FakeMessage): string[] {
	return (message.components as { components?: { custom_id?: string }[] }[]).flatMap((row) =>
		(row.components ?? []).flatMap((component) => (component.custom_id ? [component.custom_id] : [])),
	);
}

/** Content and embeds as one string, for matching what a person would read. */
export function messageText(message: FakeMessage): string {
	return [message.content, JSON.stringify(message.embeds)].join('\n');
}

function hasSubstance(message: FakeMessage): boolean {
	return message.content.length > 0 || message.embeds.length > 0;
}

function captureInto(lines: string[]): Writable {
	return new Writable({
		write(chunk: Buffer, _encoding, done) {
			lines.push(chunk.toString('utf8'));
			done();
		},
	});
}
