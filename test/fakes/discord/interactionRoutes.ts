import { z } from 'zod';
import {
	DiscordHttpError,
	invalidFormBody,
	parseOrThrow,
	unknownInteraction,
	unknownMessage,
	unknownWebhook,
} from './DiscordHttpError.ts';
import type { DiscordState } from './DiscordState.ts';
import { param, type Route, type RouteContext, type RouteResult } from './FakeRest.ts';
import { MESSAGE_FLAGS, parseMessageBody, parseModalBody } from './messageBody.ts';
import { messagePayload } from './payloads.ts';
import type { InteractionMetadata, InteractionKind, StoredInteraction, StoredMessage } from './records.ts';

/** Interaction tokens stay valid for follow-ups this long after the interaction. */
const INTERACTION_TOKEN_LIFETIME_MS = 15 * 60_000;
const MAX_AUTOCOMPLETE_CHOICES = 25;

const CALLBACK = {
	pong: 1,
	channelMessage: 4,
	deferredChannelMessage: 5,
	deferredUpdateMessage: 6,
	updateMessage: 7,
	autocompleteResult: 8,
	modal: 9,
} as const;

const callbackSchema = z.looseObject({ type: z.number().int(), data: z.unknown().optional() });
const autocompleteSchema = z.looseObject({
	choices: z
		.array(z.looseObject({ name: z.string().min(1).max(100), value: z.union([z.string(), z.number()]) }))
		.max(MAX_AUTOCOMPLETE_CHOICES),
});
const deferSchema = z.looseObject({ flags: z.number().int().optional() }).optional();

const RESPONDING_TYPES: Readonly<Record<InteractionKind, readonly number[]>> = {
	chatInput: [CALLBACK.channelMessage, CALLBACK.deferredChannelMessage, CALLBACK.modal],
	autocomplete: [CALLBACK.autocompleteResult],
	button: [
		CALLBACK.channelMessage,
		CALLBACK.deferredChannelMessage,
		CALLBACK.deferredUpdateMessage,
		CALLBACK.updateMessage,
		CALLBACK.modal,
	],
	modalSubmit: [CALLBACK.channelMessage, CALLBACK.deferredChannelMessage],
};

const WEBHOOK = /^\/webhooks\/(?<applicationId>\d+)\/(?<token>[^/]+)$/;
const WEBHOOK_MESSAGE = /^\/webhooks\/(?<applicationId>\d+)\/(?<token>[^/]+)\/messages\/(?<messageId>@original|\d+)$/;

export function interactionRoutes(state: DiscordState, options: { interactionTimeoutMs: number }): Route[] {
	return [
		{
			method: 'POST',
			pattern: /^\/interactions\/(?<interactionId>\d+)\/(?<token>[^/]+)\/callback$/,
			isInteractionRoute: true,
			handle: (context) => respond(state, context, options.interactionTimeoutMs),
		},
		{
			method: 'POST',
			pattern: WEBHOOK,
			isInteractionRoute: true,
			handle: (context) => {
				const interaction = requireAcknowledged(state, context);
				const message = sendFollowUp(state, interaction, context);
				return context.query.wait === 'true' ? { status: 200, body: messagePayload(state, message) } : { status: 204 };
			},
		},
		{
			method: 'GET',
			pattern: WEBHOOK_MESSAGE,
			isInteractionRoute: true,
			handle: (context) => {
				const message = requireWebhookMessage(state, requireAcknowledged(state, context), context);
				return { status: 200, body: messagePayload(state, message) };
			},
		},
		{
			method: 'PATCH',
			pattern: WEBHOOK_MESSAGE,
			isInteractionRoute: true,
			handle: (context) => {
				const message = requireWebhookMessage(state, requireAcknowledged(state, context), context);
				state.editMessage(message, parseMessageBody(context.body), context.files, { isResponseEdit: true });
				return { status: 200, body: messagePayload(state, message) };
			},
		},
		{
			method: 'DELETE',
			pattern: WEBHOOK_MESSAGE,
			isInteractionRoute: true,
			handle: (context) => {
				state.deleteMessage(requireWebhookMessage(state, requireAcknowledged(state, context), context));
				return { status: 204 };
			},
		},
	];
}

function respond(state: DiscordState, context: RouteContext, timeoutMs: number): RouteResult {
	const interaction = state.interactions.get(param(context, 'interactionId'));
	if (!interaction || interaction.token !== param(context, 'token')) throw unknownInteraction();
	if (interaction.callbackType !== null) {
		throw new DiscordHttpError(400, 40_060, 'Interaction has already been acknowledged.');
	}

	// Discord forgets an unanswered interaction after three seconds; the late answer gets 10062.
	if (context.at - interaction.dispatchedAt > timeoutMs) throw unknownInteraction();

	const { type, data } = parseOrThrow(callbackSchema, context.body);
	const allowed = allowedCallbackTypes(interaction);
	if (!allowed.includes(type)) {
		const expected = `Value must be one of (${allowed.join(', ')}).`;
		throw invalidFormBody(['type'], 'INTERACTION_RESPONSE_TYPE_INVALID', expected);
	}

	const message = applyCallback(state, interaction, type, data, context);
	interaction.callbackType = type;
	if (context.query.with_response !== 'true') return { status: 204 };

	return {
		status: 200,
		body: {
			interaction: {
				id: interaction.id,
				type: interaction.type,
				...(message && {
					response_message_id: message.id,
					response_message_loading: (message.flags & MESSAGE_FLAGS.loading) !== 0,
					response_message_ephemeral: (message.flags & MESSAGE_FLAGS.ephemeral) !== 0,
				}),
			},
			...(message &&
				type !== CALLBACK.deferredUpdateMessage && { resource: { type, message: messagePayload(state, message) } }),
		},
	};
}

function allowedCallbackTypes(interaction: StoredInteraction): readonly number[] {
	// A modal opened from a component can update that component's message, like the component itself.
	if (interaction.kind === 'modalSubmit' && interaction.sourceMessageId !== null) {
		return [...RESPONDING_TYPES.modalSubmit, CALLBACK.deferredUpdateMessage, CALLBACK.updateMessage];
	}

	return RESPONDING_TYPES[interaction.kind];
}

/** Returns the message the callback created or touched, if any. */
function applyCallback(
	state: DiscordState,
	interaction: StoredInteraction,
	type: number,
	data: unknown,
	context: RouteContext,
): StoredMessage | null {
	const channel = state.channel(interaction.channelId);
	switch (type) {
		case CALLBACK.channelMessage: {
			const message = state.createMessage(channel, parseMessageBody(data), context.files, {
				...responseAuthor(state, interaction),
				type: interaction.kind === 'chatInput' ? 20 : 0,
				allowedFlags: MESSAGE_FLAGS.ephemeral | MESSAGE_FLAGS.suppressEmbeds | MESSAGE_FLAGS.componentsV2,
			});
			interaction.originalMessageId = message.id;
			return message;
		}

		case CALLBACK.deferredChannelMessage: {
			const flags = (parseOrThrow(deferSchema, data, ['data'])?.flags ?? 0) & MESSAGE_FLAGS.ephemeral;
			const message = state.createMessage(channel, { hasStickersOrPoll: false }, [], {
				...responseAuthor(state, interaction),
				type: interaction.kind === 'chatInput' ? 20 : 0,
				allowedFlags: 0,
				extraFlags: flags | MESSAGE_FLAGS.loading,
				isLoadingPlaceholder: true,
			});
			interaction.originalMessageId = message.id;
			return message;
		}

		case CALLBACK.deferredUpdateMessage: {
			const source = requireSourceMessage(state, interaction);
			interaction.originalMessageId = source.id;
			return source;
		}

		case CALLBACK.updateMessage: {
			const source = requireSourceMessage(state, interaction);
			state.editMessage(source, parseMessageBody(data), context.files);
			interaction.originalMessageId = source.id;
			return source;
		}

		case CALLBACK.autocompleteResult:
			parseOrThrow(autocompleteSchema, data, ['data']);
			return null;
		case CALLBACK.modal: {
			const modal = parseModalBody(data);
			state.modals.set(modal.custom_id, {
				body: modal,
				channelId: interaction.channelId,
				sourceMessageId: interaction.sourceMessageId,
			});
			return null;
		}

		default:
			return null;
	}
}

function sendFollowUp(state: DiscordState, interaction: StoredInteraction, context: RouteContext): StoredMessage {
	const body = parseMessageBody(context.body);
	const original =
		interaction.originalMessageId === null ? undefined : state.messages.get(interaction.originalMessageId);
	// Discord documents this: the first follow-up after a deferred reply edits the "thinking" message
	// instead of creating one, and the defer's ephemeral choice wins.
	if (
		interaction.callbackType === CALLBACK.deferredChannelMessage &&
		original &&
		(original.flags & MESSAGE_FLAGS.loading) !== 0
	) {
		state.editMessage(original, { ...body, flags: undefined }, context.files, { isResponseEdit: true });
		return original;
	}

	const message = state.createMessage(state.channel(interaction.channelId), body, context.files, {
		...responseAuthor(state, interaction, interaction.originalMessageId),
		allowedFlags: MESSAGE_FLAGS.ephemeral | MESSAGE_FLAGS.suppressEmbeds | MESSAGE_FLAGS.componentsV2,
	});
	interaction.followUpIds.push(message.id);
	return message;
}

function responseAuthor(
	state: DiscordState,
	interaction: StoredInteraction,
	originalResponseMessageId: string | null = null,
): { authorId: string; webhookId: string; interaction: InteractionMetadata } {
	return {
		authorId: state.botUserId,
		webhookId: state.applicationId,
		interaction: {
			id: interaction.id,
			type: interaction.type,
			userId: interaction.userId,
			commandName: interaction.commandName,
			originalResponseMessageId,
			interactedMessageId: interaction.kind === 'button' ? interaction.sourceMessageId : null,
		},
	};
}

function requireAcknowledged(state: DiscordState, context: RouteContext): StoredInteraction {
	const interaction = state.interactionsByToken.get(param(context, 'token'));
	if (param(context, 'applicationId') !== state.applicationId || !interaction) throw unknownWebhook();
	if (context.at - interaction.dispatchedAt > INTERACTION_TOKEN_LIFETIME_MS) {
		throw new DiscordHttpError(401, 50_027, 'Invalid Webhook Token');
	}

	if (interaction.callbackType === null) throw unknownWebhook();
	return interaction;
}

function requireWebhookMessage(
	state: DiscordState,
	interaction: StoredInteraction,
	context: RouteContext,
): StoredMessage {
	const requested = param(context, 'messageId');
	const id = requested === '@original' ? interaction.originalMessageId : requested;
	const isOwnMessage = id !== null && (id === interaction.originalMessageId || interaction.followUpIds.includes(id));
	const message = isOwnMessage ? state.messages.get(id) : undefined;
	if (!message) throw unknownMessage();
	return message;
}

function requireSourceMessage(state: DiscordState, interaction: StoredInteraction): StoredMessage {
	const source = interaction.sourceMessageId === null ? undefined : state.messages.get(interaction.sourceMessageId);
	if (!source) throw unknownMessage();
	return source;
}
