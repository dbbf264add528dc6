import type { ModalBody } from './messageBody.ts';

export type JsonObject = Record<string, unknown>;

export interface StoredUser {
	readonly id: string;
	readonly username: string;
	readonly isBot: boolean;
	readonly joinedAt: string;
}

export type ChannelType = 0 | 11 | 12;

export interface StoredChannel {
	readonly id: string;
	readonly type: ChannelType;
	name: string;
	readonly parentId: string | null;
	readonly position: number;
	topic: string | null;
	readonly ownerId: string | null;
	isArchived: boolean;
	isLocked: boolean;
	isInvitable: boolean;
	autoArchiveDuration: number;
	archiveTimestamp: string;
	readonly createdTimestamp: string;
	rateLimitPerUser: number;
	lastMessageId: string | null;
	messageCount: number;
	readonly members: string[];
}

export interface StoredAttachment {
	readonly id: string;
	readonly filename: string;
	readonly contentType: string;
	readonly data: Buffer;
	readonly description: string | null;
}

export interface InteractionMetadata {
	readonly id: string;
	readonly type: number;
	readonly userId: string;
	readonly commandName: string | null;
	readonly originalResponseMessageId: string | null;
	readonly interactedMessageId: string | null;
}

export interface StoredMessage {
	readonly id: string;
	readonly channelId: string;
	readonly authorId: string;
	readonly type: number;
	content: string;
	embeds: unknown[];
	components: unknown[];
	attachments: StoredAttachment[];
	flags: number;
	readonly reactions: string[];
	edits: number;
	readonly createdAt: number;
	readonly timestamp: string;
	editedAt: number | null;
	editedTimestamp: string | null;
	readonly webhookId: string | null;
	readonly interaction: InteractionMetadata | null;
	readonly nonce: string | number | null;
	readonly referencedMessageId: string | null;
	threadId: string | null;
	/** Ephemeral and synthesized messages exist but are not part of the channel's history. */
	readonly isListed: boolean;
}

export type InteractionKind = 'chatInput' | 'autocomplete' | 'button' | 'modalSubmit';

export interface StoredInteraction {
	readonly id: string;
	readonly token: string;
	readonly kind: InteractionKind;
	readonly type: number;
	readonly userId: string;
	readonly channelId: string;
	readonly commandName: string | null;
	readonly dispatchedAt: number;
	/** The message a component sits on; also set for modals opened from a component. */
	readonly sourceMessageId: string | null;
	callbackType: number | null;
	originalMessageId: string | null;
	readonly followUpIds: string[];
}

export interface ShownModal {
	readonly body: ModalBody;
	readonly channelId: string;
	readonly sourceMessageId: string | null;
}
