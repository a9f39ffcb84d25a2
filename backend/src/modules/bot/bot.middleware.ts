// The Teams bot in the Koa app: its endpoint when a bot is configured (BOT_APP_ID …), nothing otherwise.
import type { MikroORM } from '@mikro-orm/core';
import type { Middleware } from 'koa';
import type { Config } from '../../config.ts';
import type { Logger } from '../../logger.ts';
import { botEndpoint } from './bot.endpoint.ts';
import { botSettingsFrom } from './bot.settings.ts';
import { botTurn } from './bot.turn.ts';

export function botMiddleware(config: Config, deps: { orm: MikroORM; logger: Logger }): Middleware {
  const settings = botSettingsFrom(config);
  if (!settings) return (_ctx, next) => next();
  return botEndpoint(settings, botTurn({ orm: deps.orm, settings, logger: deps.logger }));
}
