// The web app's comment box turns the names a person sees (`@Käthe Schäfer`) into the API's mention
// tokens and back; no browser needed for that.
import { describe, expect, it } from '@jest/globals';
import { bodyParts, fromBody, mentionAt, toBody } from '../../../tab-web/src/mention-text.ts';

const kaethe = { userId: '0190f3c4-5b6a-7c8d-9e0f-123456789abc', name: 'Käthe Schäfer' };
const anna = { userId: '0190f3c4-5b6a-7c8d-9e0f-0000000000a1', name: 'Anna' };
const annaSchmidt = { userId: '0190f3c4-5b6a-7c8d-9e0f-0000000000a2', name: 'Anna Schmidt' };

describe('the comment box’s mentions', () => {
  it('sends a chosen colleague’s name as a token, every time it is written', () => {
    expect(toBody('@Käthe Schäfer bitte prüfen, @Käthe Schäfer!', [kaethe])).toBe(
      `@[Käthe Schäfer](user:${kaethe.userId}) bitte prüfen, @[Käthe Schäfer](user:${kaethe.userId})!`,
    );
  });

  it('takes the longer of two names that start alike', () => {
    expect(toBody('@Anna Schmidt und @Anna', [anna, annaSchmidt])).toBe(
      `@[Anna Schmidt](user:${annaSchmidt.userId}) und @[Anna](user:${anna.userId})`,
    );
  });

  it('drops a mention whose name was partly deleted, and leaves plain text alone', () => {
    expect(toBody('@Käthe Sch, mail an info@example.com', [kaethe])).toBe('@Käthe Sch, mail an info@example.com');
  });

  it('shows a stored body with current names and keeps its colleagues for an edit', () => {
    const body = `@[Käthe](user:${kaethe.userId}) schau mal`;
    const names = new Map([[kaethe.userId, 'Käthe Schäfer']]);
    expect(fromBody(body, names)).toEqual({ text: '@Käthe Schäfer schau mal', chosen: [kaethe] });
    expect(toBody(fromBody(body, names).text, [kaethe])).toBe(`@[Käthe Schäfer](user:${kaethe.userId}) schau mal`);
    expect(bodyParts(body, names)).toEqual([{ mention: kaethe }, { text: ' schau mal' }]);
  });

  it('knows when an @ starts a mention at the caret', () => {
    expect(mentionAt('Hallo @Kä', 9)).toEqual({ start: 6, query: 'Kä' });
    expect(mentionAt('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionAt('info@example', 12)).toBeNull();
    expect(mentionAt('@ hallo', 7)).toBeNull();
    expect(mentionAt('@Käthe\nneue Zeile', 17)).toBeNull();
  });
});
