import { cardCommand } from '../src/discord/serverCards.ts';

export default cardCommand('server', 'One server’s details, live state and usage, with power buttons');
