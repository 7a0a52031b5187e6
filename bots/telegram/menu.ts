/**
 * The command menu: Latin command names (Telegram allows no others) with Chinese or English descriptions.
 * A chosen subset of the core's commands for the menu, not what counts as a command (the core's parser
 * decides that); its type keeps every entry one of the core's names.
 */
import type { Api } from 'grammy';
import { t, type MessageKey } from '../../src/i18n/index.js';
import type { Logger } from '../../src/lib/logger.js';
import type { CommandName } from '../../src/core/parse.js';
import { describe } from './errors.js';

export const MENU_COMMANDS = [
  'help', 'start', 'bind', 'suggest', 'support', 'comment', 'list', 'show', 'agenda', 'poll', 'vote',
  'close', 'progress', 'done', 'rate', 'withdraw', 'link', 'chair', 'meeting', 'stats',
] as const satisfies readonly CommandName[];

export function menu(lang: 'zh' | 'en') {
  return MENU_COMMANDS.map((command) => ({ command, description: t(lang, `telegram.menu.${command}` as MessageKey) }));
}

/** Registers the menu in Chinese (default) and English; a failure only costs the menu, so it is logged. */
export async function registerMenu(api: Api, logger: Logger): Promise<void> {
  try {
    await api.setMyCommands(menu('zh'));
    await api.setMyCommands(menu('en'), { language_code: 'en' });
  } catch (err) {
    logger.warn('setMyCommands failed; the command menu may be missing', describe(err));
  }
}
