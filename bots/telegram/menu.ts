/**
 * The command menu per scope (groups, their administrators, private chats): Latin command names
 * (Telegram allows no others) with Chinese or English descriptions. Which commands each scope shows is
 * read from the core's help table (src/core/help.ts), so the menu matches `/help`.
 */
import type { Api } from 'grammy';
import type { BotCommandScope } from 'grammy/types';
import type { Lang } from '../../src/i18n/index.js';
import type { Logger } from '../../src/lib/logger.js';
import type { CommandName } from '../../src/core/parse.js';
import { commandsFor, menuDescription, ROLES, type Role } from '../../src/core/help.js';
import { describe } from './errors.js';

/** A resident's lines with those only some residents get (an author's withdraw, a follower's unfollow, an asker's rating). */
const EVERYONE = new Set<Role>(['resident', 'author', 'follower', 'asker']);
const ANY_ROLE = new Set<Role>(ROLES);

/** Each scope's commands: a resident's in groups, every group command for the groups' administrators, the private ones in private chats. */
export const MENU_SCOPES: { scope: BotCommandScope; commands: CommandName[] }[] = [
  { scope: { type: 'all_group_chats' }, commands: ['help', ...commandsFor('group', EVERYONE)] },
  { scope: { type: 'all_chat_administrators' }, commands: ['help', ...commandsFor('group', ANY_ROLE)] },
  { scope: { type: 'all_private_chats' }, commands: ['help', ...commandsFor('private', ANY_ROLE)] },
];

/** Every command on some menu. */
export const MENU_COMMANDS: readonly CommandName[] = [...new Set(MENU_SCOPES.flatMap((s) => s.commands))];

export function menu(lang: Lang, commands: readonly CommandName[] = MENU_SCOPES[0]!.commands) {
  return commands.map((command) => ({ command, description: menuDescription(lang, command).slice(0, 256) }));
}

/** Registers each scope's menu in Chinese (default) and English; a failure only costs the menu, so it is logged. */
export async function registerMenu(api: Api, logger: Logger): Promise<void> {
  try {
    for (const { scope, commands } of MENU_SCOPES) {
      await api.setMyCommands(menu('zh', commands), { scope });
      await api.setMyCommands(menu('en', commands), { scope, language_code: 'en' });
    }
  } catch (err) {
    logger.warn('setMyCommands failed; the command menu may be missing', describe(err));
  }
}
