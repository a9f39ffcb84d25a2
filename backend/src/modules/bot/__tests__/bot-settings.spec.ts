// The bot's settings: BOT_PLAYGROUND is for a developer's machine and stops a production start.
import { describe, expect, it } from '@jest/globals';
import type { Config } from '../../../config.ts';
import { botSettingsFrom } from '../bot.settings.ts';

const config = { entra: { authorityHost: 'https://login.microsoftonline.com' } } as Config;
const bot = {
  BOT_APP_ID: '0b6c5e8e-7a57-4a8e-9d1e-3f2a1c4b5d6e',
  BOT_APP_SECRET: 'secret',
  BOT_TENANT_ID: '2915dd98-a414-4355-95ee-b9051f65d6d7',
};

describe('the bot settings', () => {
  it('take activities only with a channel token unless BOT_PLAYGROUND is set', () => {
    expect(botSettingsFrom(config, bot)?.playground).toBe(false);
    expect(botSettingsFrom(config, { ...bot, BOT_PLAYGROUND: 'true' })?.playground).toBe(true);
  });

  it('refuse BOT_PLAYGROUND in production, saying why', () => {
    expect(() => botSettingsFrom(config, { ...bot, BOT_PLAYGROUND: 'true', NODE_ENV: 'production' })).toThrow(
      /never with NODE_ENV=production/,
    );
  });
});
