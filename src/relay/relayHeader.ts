import { ButtonStyle, ComponentType, type APIButtonComponent, type RESTPatchAPIChannelMessageJSONBody } from 'discord.js';
import { encodeCustomId } from '../discord/customId.ts';
import { powerButtonRow, resourceFields, STATE_COLOURS, stateLabel } from '../discord/serverView.ts';
import type { PowerState, ResourceUsage } from '../panel/schemas.ts';
import { sanitizeInline } from './sanitize.ts';

export interface HeaderState {
	readonly serverName: string;
	readonly serverUuid: string;
	readonly threadId: string;
	readonly ownerId: string;
	readonly state: PowerState | undefined;
	readonly usage: ResourceUsage | undefined;
	/** Set once the relay has ended; the controls that need a running relay go away. */
	readonly endedReason?: string | undefined;
}

export function stopRelayButton(threadId: string): APIButtonComponent {
	return {
		type: ComponentType.Button,
		style: ButtonStyle.Secondary,
		label: 'Stop relay',
		emoji: { name: '⏹️' },
		custom_id: encodeCustomId('console', 'stop', threadId),
	};
}

/** The pinned-at-the-top message of a relay thread: live state, resources and controls. */
export function renderHeader(header: HeaderState): RESTPatchAPIChannelMessageJSONBody {
	const lines = [
		`**State:** ${stateLabel(header.state)}`,
		`Relay started by <@${header.ownerId}>. Type a message in this thread to send it as a console command with your own key (start it with \`//\` to chat instead).`,
	];
	if (header.endedReason) lines.push(`**Relay stopped:** ${sanitizeInline(header.endedReason, 300)}`);
	return {
		embeds: [
			{
				title: `🖥️ ${sanitizeInline(header.serverName, 200)}`,
				description: lines.join('\n'),
				color: header.state ? STATE_COLOURS[header.state] : 0x95a5a6,
				fields: header.usage ? resourceFields(header.usage) : [],
				footer: { text: `Server ${header.serverUuid.slice(0, 8)} · resources refresh every 30 s` },
			},
		],
		components: [powerButtonRow(header.serverUuid, header.endedReason ? [] : [stopRelayButton(header.threadId)])],
	};
}
