import { describe, expect, it } from '@jest/globals';
import { parseCommand } from '../commands.ts';

describe('what a user writes to the bot', () => {
  it.each([
    ['meine Aufgaben', 'myTasks'],
    ['Meine aufgabn', 'myTasks'],
    ['MY TASKS', 'myTasks'],
    ['my taks', 'myTasks'],
    ['heute', 'today'],
    ['Today', 'today'],
    ['überfällig', 'overdue'],
    ['uberfallig', 'overdue'],
    ['ovredue', 'overdue'],
    ['Hilfe', 'help'],
    ['hlep', 'help'],
    ['<at>CRM</at> help', 'help'],
  ])('understands "%s" as %s', (text, kind) => {
    expect(parseCommand(text).kind).toBe(kind);
  });

  it('searches for the text after the command word, as written', () => {
    expect(parseCommand('suche Müller GmbH')).toEqual({ kind: 'search', text: 'Müller GmbH' });
    expect(parseCommand('Search  Contoso')).toEqual({ kind: 'search', text: 'Contoso' });
    expect(parseCommand('serch oven')).toEqual({ kind: 'search', text: 'oven' });
    expect(parseCommand('suche')).toEqual({ kind: 'search', text: '' });
  });

  it('does not guess at what it does not know', () => {
    expect(parseCommand('wie ist das Wetter')).toEqual({ kind: 'unknown', text: 'wie ist das Wetter' });
  });
});
