import { cardCommand } from '../src/discord/serverCards.ts';

export default cardCommand('resources', 'A server’s CPU, memory, disk, network and uptime, with power buttons');
