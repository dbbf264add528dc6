import {
	ApplicationCommandOptionType,
	ButtonStyle,
	ComponentType,
	MessageFlags,
	type APIActionRowComponent,
	type APIButtonComponent,
	type APIEmbed,
	type Message,
} from 'discord.js';
import { PanelApiError } from '../panel/PanelApiError.ts';
import type { PanelClient } from '../panel/PanelClient.ts';
import type { PanelServer, ResourceUsage } from '../panel/schemas.ts';
import { isServerId, parseServerId } from '../panel/serverId.ts';
import { sanitizeInline } from '../relay/sanitize.ts';
import type { Command, ComponentHandler } from '../types.ts';
import { encodeCustomId } from './customId.ts';
import { linkedPanel } from './linkedPanel.ts';
import { NO_MENTIONS } from './messages.ts';
import { autocompleteServers, resolveServer, SERVER_OPTION } from './serverOption.ts';
import {
	formatBytes,
	lifecycleNote,
	powerButtonRow,
	resourceFields,
	resourceLine,
	STATE_COLOURS,
	stateLabel,
} from './serverView.ts';
import { UserError } from './UserError.ts';

/** The two live server messages: /server (details) and /resources. Each owns its refresh button. */
export type CardKind = 'server' | 'resources';

export interface CardData {
	readonly server: PanelServer;
	/** Undefined while the panel has no usage to give (suspended, installing, node silent). */
	readonly usage: ResourceUsage | undefined;
}

export interface CardBody {
	content: string;
	embeds: APIEmbed[];
	components: APIActionRowComponent<APIButtonComponent>[];
}

const NEUTRAL_COLOUR = 0x95a5a6;
const LOCKED_COLOUR = 0x7f8c8d;

/**
 * The server and its live usage, read in parallel. A silent node (404 on usage alone) still gives a card.
 * So does the lock gate (409) for the details card; the resources card says why instead.
 */
export async function loadCard(panel: PanelClient, serverId: string, kind: CardKind): Promise<CardData> {
	const [server, usage] = await Promise.all([
		panel.getServer(serverId),
		panel.getResources(serverId).catch((error: unknown) => {
			if (!(error instanceof PanelApiError)) throw error;
			if (error.status === 404 || (kind === 'server' && error.status === 409)) return undefined;
			throw error;
		}),
	]);
	return { server, usage };
}

export function renderCard(kind: CardKind, { server, usage }: CardData): CardBody {
	const embed = kind === 'server' ? serverEmbed(server, usage) : resourcesEmbed(server, usage);
	return {
		content: '',
		embeds: [{ ...embed, timestamp: new Date().toISOString() }],
		components: [powerButtonRow(server.uuid, [refreshButton(kind, server.uuid)])],
	};
}

/** Which card a message is, told by its refresh button; undefined for other messages with power buttons. */
export function cardKindOf(message: Pick<Message, 'components'>): CardKind | undefined {
	for (const id of customIdsOf(message)) {
		if (id.startsWith('server:refresh:')) return 'server';
		if (id.startsWith('resources:refresh:')) return 'resources';
	}
	return undefined;
}

export function customIdsOf(message: Pick<Message, 'components'>): string[] {
	return message.components.flatMap((row) => {
		if (!('components' in row)) return [];
		return row.components.flatMap((component) =>
			'customId' in component && component.customId ? [component.customId] : [],
		);
	});
}

/** `<kind>:refresh:<uuid>`: re-reads with the clicker's own key and redraws the clicked card. */
export function refreshCardHandler(kind: CardKind): ComponentHandler {
	return async (interaction, args, context) => {
		const [serverArg] = args;
		if (!interaction.isButton() || !serverArg || !isServerId(serverArg)) {
			throw new UserError('This control has expired. Run the command again.');
		}
		const { panel } = await linkedPanel(interaction, context);
		await interaction.deferUpdate();
		const card = await loadCard(panel, parseServerId(serverArg), kind);
		await interaction.editReply({ ...renderCard(kind, card), allowedMentions: NO_MENTIONS });
	};
}

function serverEmbed(server: PanelServer, usage: ResourceUsage | undefined): APIEmbed {
	const note = lifecycleNote(server);
	const { allocation } = server;
	const address = allocation ? `${allocation.ip_alias ?? allocation.ip}:${allocation.port}` : undefined;
	const { limits } = server;
	return {
		title: `🖥️ ${sanitizeInline(server.name, 200)}`,
		description: server.description ? sanitizeInline(server.description, 400) : undefined,
		color: colourFor(server, usage),
		fields: [
			{ name: 'State', value: stateText(server, usage), inline: true },
			{ name: 'Short id', value: `\`${server.uuid_short}\``, inline: true },
			{ name: 'Node', value: sanitizeInline(server.node_name, 100) || '—', inline: true },
			{ name: 'Address', value: address ? `\`${sanitizeInline(address, 100)}\`` : '—', inline: true },
			{ name: 'Type', value: sanitizeInline(server.egg.name, 100) || '—', inline: true },
			{ name: 'Your access', value: server.is_owner ? 'Owner' : 'Subuser', inline: true },
			{
				name: 'Limits',
				value: [
					`CPU ${limits.cpu > 0 ? `${limits.cpu}%` : '∞'}`,
					`RAM ${limits.memory > 0 ? formatBytes(limits.memory * 1_048_576) : '∞'}`,
					`Disk ${limits.disk > 0 ? formatBytes(limits.disk * 1_048_576) : '∞'}`,
					`${server.feature_limits.backups} backup${server.feature_limits.backups === 1 ? '' : 's'}`,
				].join(' · '),
			},
			{
				name: 'Usage',
				value: usage ? resourceLine(usage) : `Not available${note ? ` (${note.toLowerCase()})` : ': the node is not reporting it'}`,
			},
		],
		footer: { text: `Server ${server.uuid}` },
	};
}

function resourcesEmbed(server: PanelServer, usage: ResourceUsage | undefined): APIEmbed {
	return {
		title: `📊 ${sanitizeInline(server.name, 200)}`,
		color: colourFor(server, usage),
		description: usage ? undefined : 'The node is not reporting usage for this server right now.',
		fields: usage ? resourceFields(usage, server) : [{ name: 'State', value: stateText(server, usage), inline: true }],
		footer: {
			text: `${server.uuid_short} · ${sanitizeInline(server.node_name, 60)} · the panel refreshes usage every 15 s`,
		},
	};
}

function stateText(server: PanelServer, usage: ResourceUsage | undefined): string {
	const note = lifecycleNote(server);
	if (note) return `⏸️ ${note}`;
	return stateLabel(usage?.state);
}

function colourFor(server: PanelServer, usage: ResourceUsage | undefined): number {
	if (lifecycleNote(server)) return LOCKED_COLOUR;
	return usage ? STATE_COLOURS[usage.state] : NEUTRAL_COLOUR;
}

function refreshButton(kind: CardKind, serverUuid: string): APIButtonComponent {
	return {
		type: ComponentType.Button,
		style: ButtonStyle.Secondary,
		label: 'Refresh',
		emoji: { name: '🔄' },
		custom_id: encodeCustomId(kind, 'refresh', serverUuid),
	};
}

/** /server and /resources are the same command over a different card. */
export function cardCommand(kind: CardKind, description: string): Command {
	return {
		data: {
			name: kind,
			description,
			contexts: [0],
			options: [
				SERVER_OPTION,
				{
					type: ApplicationCommandOptionType.Boolean,
					name: 'public',
					description: 'Post it in this channel (default: only you see it)',
				},
			],
		},
		async execute(interaction, context) {
			const { panel } = await linkedPanel(interaction, context);
			const isPublic = interaction.options.getBoolean('public') ?? false;
			await interaction.deferReply(isPublic ? {} : { flags: MessageFlags.Ephemeral });

			const serverId = await resolveServer(interaction.options.getString('server', true), interaction.user.id, panel, context);
			const card = await loadCard(panel, serverId, kind);
			await interaction.editReply({ ...renderCard(kind, card), allowedMentions: NO_MENTIONS });
		},
		autocomplete: autocompleteServers,
		components: { refresh: refreshCardHandler(kind) },
	};
}
