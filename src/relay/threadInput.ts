import type { Message } from 'discord.js';
import { describeError, NO_MENTIONS } from '../discord/messages.ts';
import type { Logger } from '../logger.ts';
import { PanelApiError, ServerOfflineError } from '../panel/PanelApiError.ts';
import type { PanelClient } from '../panel/PanelClient.ts';
import type { LinkStore } from '../store/links.ts';
import type { ConsoleRelay } from './ConsoleRelay.ts';

const MAX_COMMAND_LENGTH = 1_024;
const MAX_COMMANDS_PER_MESSAGE = 10;
const CHAT_PREFIX = '//';

export interface ThreadInputDeps {
	readonly links: LinkStore;
	readonly panelFor: (apiKey: string) => PanelClient;
	readonly logger: Logger;
}

/**
 * A message typed into a relay thread becomes console input on the **author's own** key, sent over
 * REST so it never waits behind the relay's output. The author sees ✅ or a reply saying why not.
 */
export async function handleThreadInput(message: Message, relay: ConsoleRelay, deps: ThreadInputDeps): Promise<void> {
	if (message.author.bot || message.webhookId || message.system) return;
	relay.noteThreadMessage();

	const text = message.content.trim();
	if (!text || text.startsWith(CHAT_PREFIX)) return;
	const logger = deps.logger.child({ messageId: message.id, userId: message.author.id, threadId: relay.record.threadId });
	const answer = async (content: string) => {
		await message.reply({ content, allowedMentions: { ...NO_MENTIONS, repliedUser: false } });
	};

	const link = await deps.links.get(message.author.id).catch(() => undefined);
	if (!link) {
		await answer('Not sent: you have not linked a Calagopus API key. Run `/link` first; commands you type here are sent with your own key.');
		return;
	}
	const commands = text.split('\n').map((line) => line.trim()).filter(Boolean);
	if (commands.length > MAX_COMMANDS_PER_MESSAGE) {
		await answer(`Not sent: at most ${MAX_COMMANDS_PER_MESSAGE} commands (lines) per message.`);
		return;
	}
	if (commands.some((command) => command.length > MAX_COMMAND_LENGTH)) {
		await answer(`Not sent: a console command can be at most ${MAX_COMMAND_LENGTH} characters.`);
		return;
	}
	if (relay.state === 'offline') {
		await answer('Not sent: the server is offline. Start it first (the Start button above).');
		return;
	}

	const panel = deps.panelFor(link.apiKey);
	try {
		for (const command of commands) await panel.sendCommand(relay.record.serverUuid, command);
		await message.react('✅');
		logger.info({ commands: commands.length }, 'thread input sent');
	} catch (error) {
		const reason =
			error instanceof ServerOfflineError
				? 'the server is offline. Start it first (the Start button above).'
				: describeError(error, message.id);
		if (!(error instanceof PanelApiError || error instanceof ServerOfflineError)) logger.error({ err: error }, 'thread input failed');
		await message.react('❌').catch(() => undefined);
		await answer(`Not sent: ${reason}`);
	}
}
