import {
	ButtonStyle,
	ComponentType,
	type APIActionRowComponent,
	type APIButtonComponent,
	type APIEmbedField,
} from 'discord.js';
import type { PanelServer, PowerAction, PowerState, ResourceUsage } from '../panel/schemas.ts';
import { sanitizeInline } from '../relay/sanitize.ts';
import { encodeCustomId } from './customId.ts';

const STATE_LABELS: Readonly<Record<PowerState, string>> = {
	running: '🟢 Running',
	starting: '🟡 Starting',
	stopping: '🟠 Stopping',
	offline: '🔴 Offline',
};

export const STATE_COLOURS: Readonly<Record<PowerState, number>> = {
	running: 0x2ecc71,
	starting: 0xf1c40f,
	stopping: 0xe67e22,
	offline: 0xe74c3c,
};

type ActionStyle = ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Success | ButtonStyle.Danger;

const BUTTONS: readonly { action: PowerAction; label: string; style: ActionStyle }[] = [
	{ action: 'start', label: 'Start', style: ButtonStyle.Success },
	{ action: 'restart', label: 'Restart', style: ButtonStyle.Primary },
	{ action: 'stop', label: 'Stop', style: ButtonStyle.Secondary },
	{ action: 'kill', label: 'Kill', style: ButtonStyle.Danger },
];

export function stateLabel(state: PowerState | undefined): string {
	return state ? STATE_LABELS[state] : '⚪ Unknown';
}

/** The panel's lifecycle status (installing, suspended…) wins over the power state when set. */
export function lifecycleNote(server: PanelServer): string | undefined {
	if (server.is_suspended) return 'Suspended';
	if (server.is_transferring) return 'Being transferred';
	if (server.status) return sanitizeInline(server.status.replaceAll('_', ' '), 40);
	return undefined;
}

/** Power buttons owned by /power, optionally followed by extra controls (e.g. stop relay). */
export function powerButtonRow(
	serverUuid: string,
	extra: readonly APIButtonComponent[] = [],
): APIActionRowComponent<APIButtonComponent> {
	return {
		type: ComponentType.ActionRow,
		components: [
			...BUTTONS.map(({ action, label, style }) => ({
				type: ComponentType.Button as const,
				style,
				label,
				custom_id: encodeCustomId('power', action, serverUuid),
			})),
			...extra,
		],
	};
}

export function resourceFields(usage: ResourceUsage, server?: Pick<PanelServer, 'limits'>): APIEmbedField[] {
	const cpuLimit = server && server.limits.cpu > 0 ? server.limits.cpu : usage.cpu_limit_absolute;
	const memoryLimit = usage.memory_limit_bytes > 0 ? usage.memory_limit_bytes : mebibytes(server?.limits.memory ?? 0);
	const diskLimit = mebibytes(server?.limits.disk ?? 0);
	return [
		{ name: 'State', value: stateLabel(usage.state), inline: true },
		{ name: 'CPU', value: cpuLimit ? `${usage.cpu_absolute.toFixed(1)}% of ${cpuLimit}%` : `${usage.cpu_absolute.toFixed(1)}%`, inline: true },
		{ name: 'Memory', value: `${formatBytes(usage.memory_bytes)} / ${memoryLimit ? formatBytes(memoryLimit) : '∞'}`, inline: true },
		{ name: 'Disk', value: `${formatBytes(usage.disk_bytes)} / ${diskLimit ? formatBytes(diskLimit) : '∞'}`, inline: true },
		{ name: 'Network', value: `↓ ${formatBytes(usage.network.rx_bytes)} ↑ ${formatBytes(usage.network.tx_bytes)}`, inline: true },
		{ name: 'Uptime', value: usage.uptime > 0 ? formatDuration(usage.uptime) : '—', inline: true },
	];
}

/** One line for places without room for fields (the relay header's footer, lists). */
export function resourceLine(usage: ResourceUsage): string {
	return [
		`CPU ${usage.cpu_absolute.toFixed(1)}%`,
		`RAM ${formatBytes(usage.memory_bytes)}`,
		`Disk ${formatBytes(usage.disk_bytes)}`,
		usage.uptime > 0 ? `up ${formatDuration(usage.uptime)}` : undefined,
	]
		.filter(Boolean)
		.join(' · ');
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

export function formatBytes(bytes: number): string {
	let value = Math.max(0, bytes);
	let unit = 0;
	while (value >= 1024 && unit < UNITS.length - 1) {
		value /= 1024;
		unit++;
	}
	return `${unit === 0 ? value.toFixed(0) : value.toFixed(value >= 100 ? 0 : 1)} ${UNITS[unit]}`;
}

export function formatDuration(milliseconds: number): string {
	const totalMinutes = Math.floor(milliseconds / 60_000);
	const days = Math.floor(totalMinutes / 1_440);
	const hours = Math.floor((totalMinutes % 1_440) / 60);
	const minutes = totalMinutes % 60;
	if (days > 0) return `${days}d ${hours}h`;
	if (hours > 0) return `${hours}h ${minutes}m`;
	if (totalMinutes > 0) return `${minutes}m`;
	return `${Math.floor(milliseconds / 1_000)}s`;
}

function mebibytes(value: number): number {
	return value * 1024 * 1024;
}
