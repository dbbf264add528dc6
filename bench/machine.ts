import { readFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { MB } from './measure.ts';

export interface Machine {
	readonly cpus: number;
	readonly cpuModel: string;
	readonly node: string;
	readonly memoryMb: number;
	readonly platform: string;
}

/** `nproc`, the CPU model from /proc/cpuinfo, `node -v`: what a reader needs to compare figures. */
export function describeMachine(): Machine {
	return {
		cpus: availableParallelism(),
		cpuModel: cpuModel(),
		node: process.version,
		memoryMb: Math.round(totalmem() / MB),
		platform: `${process.platform} ${process.arch}`,
	};
}

export function machineLine(machine: Machine): string {
	const memory = `${machine.memoryMb.toLocaleString('en-US')} MB RAM`;
	return `${machine.cpus} CPUs (nproc) · ${machine.cpuModel} · Node ${machine.node} · ${memory} · ${machine.platform}`;
}

function cpuModel(): string {
	try {
		const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
		return match?.[1]?.trim() ?? 'unknown';
	} catch {
		return 'unknown';
	}
}
