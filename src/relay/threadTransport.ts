import { MessageFlags, Routes, type APIMessage, type REST, type RESTPatchAPIChannelMessageJSONBody } from 'discord.js';
import { NO_MENTIONS } from '../discord/messages.ts';
import type { RelayTransport } from './ConsoleOutput.ts';

// Console batches should neither notify every member's phone nor unfurl links printed by the server.
const QUIET_FLAGS = MessageFlags.SuppressEmbeds | MessageFlags.SuppressNotifications;

export interface ThreadTransport extends RelayTransport {
	editMessage(messageId: string, body: RESTPatchAPIChannelMessageJSONBody): Promise<void>;
	post(content: string): Promise<void>;
}

/** Sends a relay's messages to its thread through discord.js's REST queue, which honours rate-limit headers. */
export function threadTransport(rest: REST, threadId: string): ThreadTransport {
	return {
		async create({ content, files }) {
			const message = (await rest.post(Routes.channelMessages(threadId), {
				body: { content, allowed_mentions: NO_MENTIONS, flags: QUIET_FLAGS },
				files: files.map((file) => ({ name: file.name, data: file.data, contentType: 'text/plain; charset=utf-8' })),
			})) as APIMessage;
			return message.id;
		},
		async edit(messageId, content) {
			await rest.patch(Routes.channelMessage(threadId, messageId), { body: { content, allowed_mentions: NO_MENTIONS } });
		},
		async editMessage(messageId, body) {
			await rest.patch(Routes.channelMessage(threadId, messageId), { body: { ...body, allowed_mentions: NO_MENTIONS } });
		},
		async post(content) {
			await rest.post(Routes.channelMessages(threadId), { body: { content, allowed_mentions: NO_MENTIONS } });
		},
	};
}
