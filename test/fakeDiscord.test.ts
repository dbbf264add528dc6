import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import {
	ButtonStyle,
	ChannelType,
	Client,
	ComponentType,
	DiscordAPIError,
	Events,
	GatewayIntentBits,
	MessageFlags,
	TextInputStyle,
	type Interaction,
	type Message,
	type TextChannel,
} from 'discord.js';
import { afterEach, expect, test } from 'vitest';
import { FakeDiscord, type FakeDiscordOptions } from './fakes/discord/FakeDiscord.ts';

const USER_ID = '200000000000000001';
const DEFAULT_INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent];

let fake: FakeDiscord | undefined;
let client: Client | undefined;

afterEach(async () => {
	await client?.destroy();
	await fake?.stop();
	client = undefined;
	fake = undefined;
});

async function connect(
	options: FakeDiscordOptions = {},
	intents: readonly GatewayIntentBits[] = DEFAULT_INTENTS,
): Promise<{ fake: FakeDiscord; client: Client<true> }> {
	const started = await FakeDiscord.start(options);
	fake = started;
	const created = new Client({ intents: [...intents], rest: { api: started.apiUrl } });
	client = created;
	const ready = once(created, Events.ClientReady);
	await created.login(started.token);
	await ready;
	if (!created.isReady()) throw new Error('client did not become ready');
	return { fake: started, client: created };
}

/** Runs `handler` on the next interaction and settles with it, so listener errors fail the test. */
function handleNextInteraction(target: Client, handler: (interaction: Interaction) => Promise<void>): Promise<void> {
	return new Promise((resolve, reject) => {
		target.once(Events.InteractionCreate, (interaction) => {
			handler(interaction).then(resolve, reject);
		});
	});
}

function nextMessage(target: Client, predicate: (message: Message) => boolean): Promise<Message> {
	return new Promise((resolve) => {
		const listener = (message: Message): void => {
			if (!predicate(message)) return;
			target.off(Events.MessageCreate, listener);
			resolve(message);
		};
		target.on(Events.MessageCreate, listener);
	});
}

function textChannel(target: Client, channelId: string): TextChannel {
	const channel = target.channels.cache.get(channelId);
	if (channel?.type !== ChannelType.GuildText) throw new Error(`channel ${channelId} is not a cached text channel`);
	return channel;
}

function rawApi(
	discord: FakeDiscord,
	path: string,
	init: { method: string; body?: unknown; auth?: boolean },
): Promise<Response> {
	return fetch(`${discord.apiUrl}/v10${path}`, {
		method: init.method,
		headers: {
			'Content-Type': 'application/json',
			...(init.auth !== false && { Authorization: `Bot ${discord.token}` }),
		},
		body: init.body === undefined ? undefined : JSON.stringify(init.body),
	});
}

test('the real client logs in, identifies once and caches the guild with its text channel', async () => {
	const { fake, client } = await connect();
	await fake.waitForIdentify();

	const guild = client.guilds.cache.get(fake.guildId);
	expect(guild?.available).toBe(true);
	expect(guild?.channels.cache.get(fake.channelId)?.type).toBe(ChannelType.GuildText);
	expect(guild?.members.me?.id).toBe(fake.botUserId);
	expect(client.user.id).toBe(fake.botUserId);
	expect(client.application.id).toBe(fake.applicationId);
	expect(fake.identifyCount).toBe(1);
	const gatewayRequest = fake.requests.find((request) => request.path === '/gateway/bot');
	expect(gatewayRequest).toMatchObject({ status: 200, authorization: true });
});

test('a chat input command arrives in a cached guild and its reply reaches the fake', async () => {
	const { fake, client } = await connect();
	let wasCached = false;
	const handled = handleNextInteraction(client, async (interaction) => {
		if (!interaction.isChatInputCommand()) throw new Error('expected a chat input command');
		wasCached = interaction.inCachedGuild();
		expect(interaction.commandName).toBe('ping');
		expect(interaction.options.getString('target')).toBe('world');
		expect(interaction.options.getUser('who')?.id).toBe('200000000000000002');
		await interaction.reply({ content: 'pong' });
	});

	const interaction = fake.chatInput({
		userId: USER_ID,
		commandName: 'ping',
		options: [
			{ type: 3, name: 'target', value: 'world' },
			{ type: 6, name: 'who', value: '200000000000000002' },
		],
	});
	await handled;

	const callback = await interaction.callback();
	expect(wasCached).toBe(true);
	expect(callback).toMatchObject({ status: 204, authorization: false, body: { type: 4, data: { content: 'pong' } } });
	expect(fake.interactionReply(interaction.token)?.content).toBe('pong');
	expect(fake.channelMessages(fake.channelId).map((message) => message.content)).toEqual(['pong']);
});

test('withResponse returns the created message from the callback', async () => {
	const { fake, client } = await connect();
	let responseContent: string | undefined;
	const handled = handleNextInteraction(client, async (interaction) => {
		if (!interaction.isChatInputCommand()) return;
		const response = await interaction.reply({ content: 'with response', withResponse: true });
		responseContent = response.resource?.message?.content;
	});

	const interaction = fake.chatInput({ userId: USER_ID, commandName: 'ping' });
	await handled;

	expect(responseContent).toBe('with response');
	expect(await interaction.callback()).toMatchObject({ status: 200, query: { with_response: 'true' } });
});

test('an ephemeral deferReply then editReply keeps the reply out of the channel', async () => {
	const { fake, client } = await connect();
	const handled = handleNextInteraction(client, async (interaction) => {
		if (!interaction.isChatInputCommand()) return;
		await interaction.deferReply({ flags: MessageFlags.Ephemeral });
		await interaction.editReply({ content: 'done' });
	});

	const interaction = fake.chatInput({ userId: USER_ID, commandName: 'servers' });
	await handled;

	expect((await interaction.callback()).body).toEqual({ type: 5, data: { flags: MessageFlags.Ephemeral } });
	const reply = fake.interactionReply(interaction.token);
	expect(reply).toMatchObject({ content: 'done', edits: 1 });
	expect((reply?.flags ?? 0) & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
	expect((reply?.flags ?? 0) & MessageFlags.Loading).toBe(0);
	expect(fake.channelMessages(fake.channelId)).toEqual([]);
});

test('the first follow-up after a defer edits the thinking message, as Discord documents', async () => {
	const { fake, client } = await connect();
	const handled = handleNextInteraction(client, async (interaction) => {
		if (!interaction.isChatInputCommand()) return;
		await interaction.deferReply();
		await interaction.followUp({ content: 'first' });
		await interaction.followUp({ content: 'second', flags: MessageFlags.Ephemeral });
	});

	const interaction = fake.chatInput({ userId: USER_ID, commandName: 'servers' });
	await handled;

	expect(fake.interactionReply(interaction.token)?.content).toBe('first');
	expect(fake.followUps(interaction.token).map((message) => [message.content, message.flags])).toEqual([
		['second', MessageFlags.Ephemeral],
	]);
	expect(fake.channelMessages(fake.channelId).map((message) => message.content)).toEqual(['first']);
});

test('a button click on a sent message is answered with update()', async () => {
	const { fake, client } = await connect();
	const sent = await textChannel(client, fake.channelId).send({
		content: 'server is running',
		components: [
			{
				type: ComponentType.ActionRow,
				components: [
					{ type: ComponentType.Button, style: ButtonStyle.Danger, label: 'Stop', customId: 'console:stop:1a2b' },
				],
			},
		],
	});

	let clickedMessageId: string | undefined;
	const handled = handleNextInteraction(client, async (interaction) => {
		if (!interaction.isButton()) throw new Error('expected a button');
		clickedMessageId = interaction.message.id;
		expect(interaction.customId).toBe('console:stop:1a2b');
		expect(interaction.inCachedGuild()).toBe(true);
		await interaction.update({ content: 'stopping', components: [] });
	});

	const interaction = fake.button({ userId: USER_ID, customId: 'console:stop:1a2b', messageId: sent.id });
	await handled;

	expect(clickedMessageId).toBe(sent.id);
	expect((await interaction.callback()).body).toMatchObject({ type: 7 });
	expect(fake.channelMessages(fake.channelId)).toMatchObject([
		{ id: sent.id, content: 'stopping', components: [], edits: 1 },
	]);
	expect(fake.interactionReply(interaction.token)?.id).toBe(sent.id);
});

test('modal submits mirror the shown modal, with action rows or label components', async () => {
	const { fake, client } = await connect();
	const modals = [
		{
			title: 'Link your panel',
			custom_id: 'link:confirm',
			components: [
				{ type: 1, components: [{ type: 4, custom_id: 'key', label: 'API key', style: TextInputStyle.Short }] },
			],
		},
		{
			title: 'Link your panel',
			custom_id: 'link:labelled',
			components: [
				{ type: 18, label: 'API key', component: { type: 4, custom_id: 'key', style: TextInputStyle.Short } },
			],
		},
	];

	for (const modal of modals) {
		const shown = handleNextInteraction(client, async (interaction) => {
			if (!interaction.isChatInputCommand()) throw new Error('expected a chat input command');
			await interaction.showModal(modal);
		});
		fake.chatInput({ userId: USER_ID, commandName: 'link' });
		await shown;

		let value: string | undefined;
		const submitted = handleNextInteraction(client, async (interaction) => {
			if (!interaction.isModalSubmit()) throw new Error('expected a modal submit');
			value = interaction.fields.getTextInputValue('key');
			await interaction.reply({ content: 'linked', flags: MessageFlags.Ephemeral });
		});
		const submit = fake.modalSubmit({ userId: USER_ID, customId: modal.custom_id, fields: { key: 'c7sp_secret' } });
		await submitted;

		expect(value).toBe('c7sp_secret');
		expect(fake.interactionReply(submit.token)?.content).toBe('linked');
	}

	expect(() => fake.modalSubmit({ userId: USER_ID, customId: 'link:confirm', fields: { nope: 'x' } })).toThrow(
		/no text input nope/,
	);
});

test('autocomplete answers with choices', async () => {
	const { fake, client } = await connect();
	const handled = handleNextInteraction(client, async (interaction) => {
		if (!interaction.isAutocomplete()) throw new Error('expected autocomplete');
		expect(interaction.options.getFocused()).toBe('mi');
		await interaction.respond([{ name: 'minecraft', value: '1a2b' }]);
	});

	const interaction = fake.autocomplete({
		userId: USER_ID,
		commandName: 'console',
		options: [{ type: 3, name: 'server', value: 'mi', focused: true }],
	});
	await handled;

	expect((await interaction.callback()).body).toEqual({
		type: 8,
		data: { choices: [{ name: 'minecraft', value: '1a2b' }] },
	});
});

test('a message in a thread the bot created reaches messageCreate; moderator actions reach the client', async () => {
	const { fake, client } = await connect();
	const channel = textChannel(client, fake.channelId);
	const thread = await channel.threads.create({ name: 'console', type: ChannelType.PublicThread });
	expect(fake.thread(thread.id)).toMatchObject({
		parentId: fake.channelId,
		type: 11,
		archived: false,
		members: [fake.botUserId],
	});

	const received = nextMessage(client, (message) => message.channelId === thread.id);
	fake.message({ userId: USER_ID, channelId: thread.id, content: 'hello from the thread' });
	const message = await received;
	expect(message.content).toBe('hello from the thread');
	expect(message.inGuild()).toBe(true);

	const archived = once(client, Events.ThreadUpdate);
	fake.archiveThread(thread.id);
	await archived;
	expect(thread.archived).toBe(true);

	// Posting into an archived (unlocked) thread reopens it, as on Discord.
	await thread.send('still here');
	expect(fake.thread(thread.id)?.archived).toBe(false);
	await thread.setArchived(true);
	expect(fake.thread(thread.id)?.archived).toBe(true);

	const deleted = once(client, Events.ThreadDelete);
	fake.deleteThread(thread.id);
	await deleted;
	expect(client.channels.cache.has(thread.id)).toBe(false);
});

test('after a dropped connection the client resumes and still receives what it missed', async () => {
	const { fake, client } = await connect();
	const resumed = once(client, Events.ShardResume);
	const missed = nextMessage(client, (message) => message.content === 'sent while you were away');

	fake.dropConnections(4_000);
	fake.message({ userId: USER_ID, channelId: fake.channelId, content: 'sent while you were away' });
	await resumed;
	await missed;

	expect(fake.resumeCount).toBe(1);
	expect(fake.identifyCount).toBe(1);
});

test('twelve quick sends are queued by discord.js on the bucket headers instead of hitting 429', async () => {
	const { fake, client } = await connect({ rateLimitWindowScale: 0.1 });
	const channel = textChannel(client, fake.channelId);

	await Promise.all(Array.from({ length: 12 }, (_, index) => channel.send(`line ${index}`)));

	const path = `/channels/${fake.channelId}/messages`;
	const creates = fake.requests.filter((request) => request.method === 'POST' && request.path === path);
	const first = creates[0];
	const sixth = creates[5];
	expect(creates).toHaveLength(12);
	expect(fake.rateLimitHits).toBe(0);
	expect(first && sixth && sixth.at - first.at).toBeGreaterThanOrEqual(500);
	expect(fake.channelMessages(fake.channelId)).toHaveLength(12);
});

test('reactions are limited to one per quarter second and discord.js waits for it', async () => {
	const { fake, client } = await connect();
	const message = await textChannel(client, fake.channelId).send('react to me');

	await Promise.all([message.react('👍'), message.react('✅')]);

	expect(fake.rateLimitHits).toBe(0);
	expect(fake.channelMessages(fake.channelId)[0]?.reactions).toEqual(['👍', '✅']);
});

test('a raw request past the bucket limit gets a Discord-shaped 429', async () => {
	const fakeDiscord = await FakeDiscord.start();
	fake = fakeDiscord;
	const path = `/channels/${fakeDiscord.channelId}/messages`;
	const responses: Response[] = [];
	for (let index = 0; index < 6; index += 1) {
		responses.push(await rawApi(fakeDiscord, path, { method: 'POST', body: { content: `raw ${index}` } }));
	}

	const [fifth, sixth] = responses.slice(4);
	expect(fifth?.status).toBe(200);
	expect(fifth?.headers.get('X-RateLimit-Remaining')).toBe('0');
	expect(Number(fifth?.headers.get('X-RateLimit-Reset-After'))).toBeGreaterThan(4);
	expect(sixth?.status).toBe(429);
	expect(sixth?.headers.get('Retry-After')).toBe('5');
	expect(sixth?.headers.get('X-RateLimit-Bucket')).toBe(fifth?.headers.get('X-RateLimit-Bucket'));
	expect(await sixth?.json()).toMatchObject({ message: 'You are being rate limited.', global: false });
	expect(fakeDiscord.rateLimitHits).toBe(1);
	expect(fakeDiscord.requests.at(-1)).toMatchObject({ status: 429, method: 'POST', path });
});

test('a callback after the interaction window gets 10062 Unknown interaction', async () => {
	const { fake, client } = await connect({ interactionTimeoutMs: 100 });
	let lateError: unknown;
	const late = handleNextInteraction(client, async (interaction) => {
		if (!interaction.isChatInputCommand()) return;
		await sleep(200);
		lateError = await interaction.reply({ content: 'too late' }).catch((error: unknown) => error);
	});
	const slow = fake.chatInput({ userId: USER_ID, commandName: 'slow' });
	await late;

	expect(lateError).toBeInstanceOf(DiscordAPIError);
	expect(lateError).toMatchObject({ code: 10_062, status: 404 });
	expect((await slow.callback()).status).toBe(404);
});

test('a second callback for one interaction gets 40060 already acknowledged', async () => {
	const { fake, client } = await connect();
	const answered = handleNextInteraction(client, async (interaction) => {
		if (interaction.isChatInputCommand()) await interaction.reply({ content: 'once' });
	});
	const quick = fake.chatInput({ userId: USER_ID, commandName: 'quick' });
	await answered;
	const again = await rawApi(fake, `/interactions/${quick.id}/${quick.token}/callback`, {
		method: 'POST',
		auth: false,
		body: { type: 4, data: { content: 'twice' } },
	});
	expect(again.status).toBe(400);
	expect(await again.json()).toMatchObject({ code: 40_060 });
});

test('invalid messages are rejected like Discord and counted', async () => {
	const { fake, client } = await connect();
	const channel = textChannel(client, fake.channelId);

	await expect(channel.send('x'.repeat(2_001))).rejects.toMatchObject({ code: 50_035, status: 400 });
	const embeds = Array.from({ length: 11 }, () => ({ description: 'e' }));
	await expect(channel.send({ embeds })).rejects.toMatchObject({ code: 50_035 });
	const empty = await rawApi(fake, `/channels/${fake.channelId}/messages`, { method: 'POST', body: { content: '' } });
	expect(await empty.json()).toMatchObject({ code: 50_006 });

	expect(fake.badRequests).toBe(3);
	expect(fake.channelMessages(fake.channelId)).toEqual([]);
});

test('files are sent as multipart and edits can drop attachments', async () => {
	const { fake, client } = await connect();
	const sent = await textChannel(client, fake.channelId).send({
		content: 'log attached',
		files: [{ attachment: Buffer.from('line one\n'), name: 'console.log' }],
	});

	const [stored] = fake.channelMessages(fake.channelId);
	const files = stored?.attachments.map((file) => [file.filename, file.data.toString()]);
	expect(files).toEqual([['console.log', 'line one\n']]);
	expect(sent.attachments.first()?.name).toBe('console.log');

	await sent.edit({ content: 'log removed', attachments: [] });
	expect(fake.channelMessages(fake.channelId)[0]).toMatchObject({ content: 'log removed', attachments: [], edits: 1 });
});

test('commands are bulk overwritten, read back, and used for dispatched interactions', async () => {
	const { fake, client } = await connect();
	await client.application.commands.set(
		[{ name: 'servers', description: 'List servers' }, { name: 'console', description: 'Attach the console' }],
		fake.guildId,
	);

	expect(fake.commandWrites).toBe(1);
	expect(fake.commands).toMatchObject([
		{ name: 'servers', type: 1, application_id: fake.applicationId, guild_id: fake.guildId },
		{ name: 'console', type: 1 },
	]);
	const fetched = await client.application.commands.fetch({ guildId: fake.guildId });
	expect([...fetched.values()].map((command) => command.name).sort()).toEqual(['console', 'servers']);

	let commandId: string | undefined;
	const handled = handleNextInteraction(client, async (interaction) => {
		if (!interaction.isChatInputCommand()) return;
		commandId = interaction.commandId;
		await interaction.reply({ content: 'ok' });
	});
	fake.chatInput({ userId: USER_ID, commandName: 'servers' });
	await handled;

	expect(commandId).toBe(fetched.find((command) => command.name === 'servers')?.id);
	const invalid = client.application.commands.set([{ name: 'Bad Name', description: 'x' }]);
	await expect(invalid).rejects.toMatchObject({ code: 50_035 });
});

test('unknown routes are 404s and a missing token is a 401, both recorded', async () => {
	const fakeDiscord = await FakeDiscord.start();
	fake = fakeDiscord;

	expect((await rawApi(fakeDiscord, '/nothing/here', { method: 'GET' })).status).toBe(404);
	expect((await rawApi(fakeDiscord, '/users/@me', { method: 'GET', auth: false })).status).toBe(401);
	expect(fakeDiscord.requests.map((request) => [request.status, request.path, request.authorization])).toEqual([
		[404, '/nothing/here', true],
		[401, '/users/@me', false],
	]);
	const never = fakeDiscord.waitForRequest((request) => request.path === '/never', 50);
	await expect(never).rejects.toThrow(/404 GET \/nothing\/here/);
});

test("without the MessageContent intent other people's messages arrive blank", async () => {
	const { fake, client } = await connect({}, [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages]);
	const received = nextMessage(client, (message) => message.author.id === USER_ID);

	fake.message({ userId: USER_ID, channelId: fake.channelId, content: 'secret' });

	expect((await received).content).toBe('');
	expect(fake.channelMessages(fake.channelId)[0]?.content).toBe('secret');
});

test('heartbeats are acknowledged at the interval from HELLO', async () => {
	const { client } = await connect({ heartbeatIntervalMs: 50 });
	const acknowledged = new Promise<void>((resolve) => {
		const listener = (message: string): void => {
			if (!message.includes('Heartbeat acknowledged')) return;
			client.off(Events.Debug, listener);
			resolve();
		};
		client.on(Events.Debug, listener);
	});

	await acknowledged;
	expect(client.ws.ping).toBeGreaterThanOrEqual(0);
});

test('a wrong token is refused before the gateway is opened', async () => {
	const fakeDiscord = await FakeDiscord.start();
	fake = fakeDiscord;
	const intruder = new Client({ intents: DEFAULT_INTENTS, rest: { api: fakeDiscord.apiUrl } });
	client = intruder;

	await expect(intruder.login('not-the-token')).rejects.toMatchObject({ code: 'TokenInvalid' });
	expect(fakeDiscord.identifyCount).toBe(0);
	expect(fakeDiscord.requests).toMatchObject([{ path: '/gateway/bot', status: 401 }]);
});
