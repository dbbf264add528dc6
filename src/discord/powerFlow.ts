import { setTimeout as delay } from 'node:timers/promises';
import type { APIEmbed } from 'discord.js';
import { PanelApiError } from '../panel/PanelApiError.ts';
import type { PanelClient } from '../panel/PanelClient.ts';
import { claimsGrant, POWER_PERMISSIONS, readTokenClaims } from '../panel/permissions.ts';
import type { PanelServer, PowerAction, PowerState, ResourceUsage } from '../panel/schemas.ts';
import { sanitizeInline } from '../relay/sanitize.ts';
import { STATE_COLOURS, stateLabel } from './serverView.ts';
import { UserError } from './UserError.ts';

// The panel answers `{}` before Wings acts and caches usage for 15 s per node, so the state is re-read on
// a widening schedule (about 20 s in all) until it shows the action's effect.
const RECHECK_DELAYS_MS = [300, 700, 1_500, 2_500, 5_000, 5_000, 5_000] as const;
const NEUTRAL_COLOUR = 0x95a5a6;

interface ActionText {
	readonly label: string;
	readonly emoji: string;
	readonly done: string;
	readonly goal: PowerState;
	/** States in which Wings refuses or ignores the action. */
	readonly already: readonly PowerState[];
}

const ACTIONS: Readonly<Record<PowerAction, ActionText>> = {
	start: { label: 'Start', emoji: '▶️', done: 'started', goal: 'running', already: ['running', 'starting'] },
	stop: { label: 'Stop', emoji: '⏹️', done: 'stopped', goal: 'offline', already: ['offline', 'stopping'] },
	restart: { label: 'Restart', emoji: '🔄', done: 'restarted', goal: 'running', already: [] },
	kill: { label: 'Kill', emoji: '💀', done: 'killed', goal: 'offline', already: ['offline'] },
};

/** Stop and kill end a running game for everyone on it, so they ask first. */
export function needsConfirmation(action: PowerAction): boolean {
	return action === 'stop' || action === 'kill';
}

export function actionLabel(action: PowerAction): string {
	return ACTIONS[action].label;
}

export interface PowerTarget {
	readonly server: PanelServer;
	/** The state as the panel last knew it before the action; undefined when the node is not reporting. */
	readonly before: ResourceUsage | undefined;
}

/**
 * Reads what an action needs before anything is sent: the server (access), its state, and whether the
 * key may do this at all. The console token's claims carry the key's server scopes, so a missing
 * permission is refused here, by name, without a power request.
 */
export async function preparePower(panel: PanelClient, serverId: string, action: PowerAction): Promise<PowerTarget> {
	const [server, before, credentials] = await Promise.all([
		panel.getServer(serverId),
		panel.getResources(serverId).catch((error: unknown) => {
			// The lock gate (suspended, installing…) would refuse the action the same way: say so now.
			if (error instanceof PanelApiError && error.status === 409) throw error;
			return undefined;
		}),
		panel.getWebsocketCredentials(serverId).catch(() => undefined),
	]);
	const claims = credentials ? readTokenClaims(credentials.token) : undefined;
	const permission = POWER_PERMISSIONS[action];
	if (claims && !claimsGrant(claims, permission)) {
		throw new UserError(
			`You cannot ${action} **${sanitizeInline(server.name, 80)}**: your API key (or your access to this server) lacks the \`${permission}\` permission${action === 'kill' ? ', which kill uses' : ''}. Add it to the key in the panel (Account → API keys), or ask the server owner to grant it. Nothing was sent.`,
		);
	}
	return { server, before };
}

export interface PowerResult {
	readonly usage: ResourceUsage | undefined;
	/** `done`: the state shows the action's effect; `crashed`: it started and fell over; `pending`: neither yet. */
	readonly verdict: 'done' | 'crashed' | 'pending';
	readonly elapsedMs: number;
}

/** Re-reads the state after an action until it shows the effect, or the schedule runs out. */
export async function watchPowerResult(
	panel: PanelClient,
	serverUuid: string,
	action: PowerAction,
	sentAt: number,
): Promise<PowerResult> {
	const { goal } = ACTIONS[action];
	const seen = new Set<PowerState>();
	let usage: ResourceUsage | undefined;
	for (const waitMs of RECHECK_DELAYS_MS) {
		await delay(waitMs, undefined, { ref: false });
		const current = await panel.getResources(serverUuid).catch(() => undefined);
		if (!current) continue;
		usage = current;
		seen.add(current.state);
		const elapsedMs = Date.now() - sentAt;
		// A restart may finish between two reads: a fresh uptime proves it happened.
		const isRestarted = seen.has('offline') || seen.has('starting') || current.uptime < elapsedMs;
		if (current.state === goal && (action !== 'restart' || isRestarted)) return { usage, verdict: 'done', elapsedMs };
		if (goal === 'running' && current.state === 'offline' && seen.has('starting')) {
			return { usage, verdict: 'crashed', elapsedMs };
		}
	}
	return { usage, verdict: 'pending', elapsedMs: Date.now() - sentAt };
}

export function progressEmbed(action: PowerAction, target: PowerTarget, requestedBy?: string): APIEmbed {
	return {
		title: titleFor(action, target.server),
		description: [
			askedLine(action, requestedBy),
			`**Before:** ${stateLabel(target.before?.state)}`,
			'⏳ Checking what the server does…',
		].join('\n'),
		color: NEUTRAL_COLOUR,
	};
}

export function outcomeEmbed(
	action: PowerAction,
	target: PowerTarget,
	result: PowerResult,
	requestedBy?: string,
): APIEmbed {
	const text = ACTIONS[action];
	const before = target.before?.state;
	const now = result.usage?.state;
	const seconds = `${Math.max(1, Math.round(result.elapsedMs / 1_000))} s`;
	const lines = [askedLine(action, requestedBy), `**Before:** ${stateLabel(before)}`];
	const isAlready = before !== undefined && text.already.includes(before);
	if (isAlready) {
		const plain = stateLabel(before).replace(/^\S+ /, '').toLowerCase();
		lines.push(`It was already ${plain}, so Wings had nothing to ${action}.`);
	}

	if (!result.usage || !now) {
		lines.push('**Now:** unknown: the panel did not report the state afterwards. Check with `/resources`.');
	} else if (result.verdict === 'done') {
		lines.push(`**Now:** ${stateLabel(now)}${isAlready ? '' : `: ${text.done} in about ${seconds}`}.`);
	} else if (result.verdict === 'crashed') {
		lines.push(`**Now:** ${stateLabel(now)}: it began starting but stopped again. The console (\`/console start\`) shows why.`);
	} else if (now === before) {
		lines.push(
			`**Now:** still ${stateLabel(now)} after ${seconds}. Wings may have refused (it does not tell the panel why); the console shows its reason.`,
		);
	} else {
		lines.push(`**Now:** ${stateLabel(now)} after ${seconds}, not finished yet. Check again with \`/resources\`.`);
	}
	return {
		title: titleFor(action, target.server),
		description: lines.join('\n'),
		color: now ? STATE_COLOURS[now] : NEUTRAL_COLOUR,
		timestamp: new Date().toISOString(),
	};
}

function titleFor(action: PowerAction, server: PanelServer): string {
	const text = ACTIONS[action];
	return `${text.emoji} ${text.label} · ${sanitizeInline(server.name, 200)}`;
}

function askedLine(action: PowerAction, requestedBy: string | undefined): string {
	return `**Asked:** ${action}${requestedBy ? `, by <@${requestedBy}>` : ''}`;
}
