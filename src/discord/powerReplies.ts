import {
	ButtonStyle,
	ComponentType,
	MessageFlags,
	Routes,
	type APIActionRowComponent,
	type APIButtonComponent,
	type APIEmbed,
	type ButtonInteraction,
	type Message,
} from 'discord.js';
import type { Logger } from '../logger.ts';
import type { PanelClient } from '../panel/PanelClient.ts';
import type { PowerAction } from '../panel/schemas.ts';
import { sanitizeInline } from '../relay/sanitize.ts';
import type { Context } from '../types.ts';
import { encodeCustomId } from './customId.ts';
import { NO_MENTIONS } from './messages.ts';
import {
	actionLabel,
	outcomeEmbed,
	progressEmbed,
	watchPowerResult,
	type PowerResult,
	type PowerTarget,
} from './powerFlow.ts';
import { customIdsOf, renderCard, type CardKind } from './serverCards.ts';
import { stateLabel } from './serverView.ts';

// The messages /power and its buttons send; the flows themselves live in commands/power.ts.

const CONSEQUENCES: Readonly<Record<PowerAction, string>> = {
	start: '',
	restart: '',
	stop: 'Everyone on it is disconnected and it shuts down cleanly.',
	kill: 'The process is ended at once without saving: unsaved progress is lost. Use it only when stop does not work.',
};

/** Who acts: the user's own panel client, and their interaction's logger. */
export interface Acting {
	readonly panel: PanelClient;
	readonly logger: Logger;
}

/** Sends the action, shows that it was sent, and waits for the state to show its effect. */
export async function act(
	{ panel, logger }: Acting,
	action: PowerAction,
	target: PowerTarget,
	show: (embed: APIEmbed) => Promise<unknown>,
	requestedBy?: string,
): Promise<PowerResult> {
	const serverId = target.server.uuid;
	const sentAt = Date.now();
	await panel.power(serverId, action);
	logger.info({ serverId, action }, 'power action sent');
	await show(progressEmbed(action, target, requestedBy));
	const result = await watchPowerResult(panel, serverId, action, sentAt);
	logger.info({ serverId, action, verdict: result.verdict, state: result.usage?.state }, 'power action checked');
	return result;
}

/** After deferUpdate/update: progress and outcome go to the clicker alone; the clicked card is redrawn. */
export async function actOnClickedMessage(
	interaction: ButtonInteraction<'cached'>,
	acting: Acting,
	action: PowerAction,
	target: PowerTarget,
	kind: CardKind | undefined,
): Promise<void> {
	let progress: Message | undefined;
	const result = await act(acting, action, target, async (embed) => {
		progress = await interaction.followUp({ ...onlyEmbed(embed), flags: MessageFlags.Ephemeral });
	});
	if (kind) {
		const card = renderCard(kind, { server: target.server, usage: result.usage });
		await interaction.editReply({ ...card, allowedMentions: NO_MENTIONS });
	}
	const outcome = { embeds: [outcomeEmbed(action, target, result)], allowedMentions: NO_MENTIONS };
	if (progress) await interaction.editReply({ ...outcome, message: progress });
	else await interaction.followUp({ ...outcome, flags: MessageFlags.Ephemeral });
}

/** A public card someone else may have posted: only the bot's own message is edited, through the channel. */
export async function redrawPostedCard(
	context: Context,
	channelId: string,
	where: string,
	target: PowerTarget,
	result: PowerResult,
): Promise<void> {
	const kind: CardKind = where.startsWith('s') ? 'server' : 'resources';
	try {
		await context.client.rest.patch(Routes.channelMessage(channelId, where.slice(1)), {
			body: { ...renderCard(kind, { server: target.server, usage: result.usage }), allowed_mentions: NO_MENTIONS },
		});
	} catch (error) {
		context.logger.warn({ err: error }, 'could not redraw the server card');
	}
}

export function confirmPrompt(
	action: PowerAction,
	target: PowerTarget,
	where: string,
): { content: string; embeds: APIEmbed[]; components: APIActionRowComponent<APIButtonComponent>[] } {
	const name = sanitizeInline(target.server.name, 80);
	const question = [
		`**${actionLabel(action)} ${name}?** ${CONSEQUENCES[action]}`,
		`It is ${stateLabel(target.before?.state)} now.`,
	].join('\n');
	return {
		content: question,
		embeds: [],
		components: [
			{
				type: ComponentType.ActionRow,
				components: [
					{
						type: ComponentType.Button,
						style: ButtonStyle.Danger,
						label: `Yes, ${action} it`,
						custom_id: encodeCustomId('power', 'confirm', action, target.server.uuid, where),
					},
					{
						type: ComponentType.Button,
						style: ButtonStyle.Secondary,
						label: 'Cancel',
						custom_id: encodeCustomId('power', 'cancel', where === 'here' ? 'here' : 'prompt'),
					},
				],
			},
		],
	};
}

export function withoutConfirmRows(message: Pick<Message, 'components'>): APIActionRowComponent<APIButtonComponent>[] {
	const isQuestion = (id: string) => id.startsWith('power:confirm:') || id.startsWith('power:cancel:');
	return message.components
		.filter((row) => !customIdsOf({ components: [row] }).some(isQuestion))
		.map((row) => row.toJSON() as APIActionRowComponent<APIButtonComponent>);
}

/** The card as it was before the question was put on it. */
export function withoutQuestion(message: Pick<Message, 'components'>) {
	return { content: '', components: withoutConfirmRows(message), allowedMentions: NO_MENTIONS };
}

export function onlyEmbed(embed: APIEmbed) {
	return { content: '', embeds: [embed], components: [], allowedMentions: NO_MENTIONS };
}
