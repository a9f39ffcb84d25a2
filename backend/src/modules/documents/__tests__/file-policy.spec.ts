import { describe, expect, it } from '@jest/globals';
import type { AppError } from '../../../http/errors.ts';
import { inspectFile, mediaTypeEssence } from '../file-policy.ts';

const PDF = Buffer.from('%PDF-1.7\n%%EOF\n');
const ZIP = Buffer.from('504b0304140000000800', 'hex');
const status = async (work: Promise<unknown>) => {
  try {
    await work;
    return 200;
  } catch (error) {
    return (error as AppError).status;
  }
};

describe('what a file is and whether we keep it', () => {
  it('takes the type from the bytes, with the declared name where the bytes only show a container', async () => {
    expect(await inspectFile(PDF, { name: 'a.pdf', declaredType: 'application/octet-stream' }, '#/file')).toEqual({
      contentType: 'application/pdf',
      declaredType: 'application/octet-stream',
    });
    expect(await inspectFile(PDF, { name: 'a.pdf', declaredType: 'Application/X-PDF; name=a.pdf' }, '#/file')).toEqual({
      contentType: 'application/pdf',
      declaredType: 'application/x-pdf',
    });
    const docx = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
    expect((await inspectFile(ZIP, { name: 'a.docx', declaredType: docx }, '#/file')).contentType).toBe(docx);
    expect(
      (await inspectFile(Buffer.from('a;b\n'), { name: 'a.csv', declaredType: 'text/csv' }, '#/file')).contentType,
    ).toBe('text/csv');
    expect(
      (
        await inspectFile(
          Buffer.from('\ufeffBEGIN:VCALENDAR'),
          { name: 'a.ics', declaredType: 'text/calendar' },
          '#/file',
        )
      ).contentType,
    ).toBe('text/calendar');
    expect(
      (await inspectFile(Buffer.from([1, 2, 3]), { name: 'blob', declaredType: null }, '#/file')).contentType,
    ).toBe('application/octet-stream');
  });

  it.each([
    ['MZ program', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(60)]), 'report.pdf', 'application/pdf', 415],
    [
      'ELF program',
      Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]), Buffer.alloc(60)]),
      'tool',
      null,
      415,
    ],
    ['batch file', Buffer.from('@echo off'), 'start.BAT', 'text/plain', 415],
    ['PowerShell', Buffer.from('Get-Process'), 'x.ps1', null, 415],
    ['declared script', Buffer.from('x'), 'x.txt', 'application/javascript', 415],
    ['PNG called PDF', Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), 'x.pdf', 'application/pdf', 422],
    ['text called PDF', Buffer.from('hello'), 'x.pdf', 'application/pdf', 422],
    ['empty', Buffer.alloc(0), 'x.txt', 'text/plain', 422],
  ])('refuses a %s', async (_what, bytes, name, declaredType, expected) => {
    expect(await status(inspectFile(bytes, { name, declaredType }, '#/file'))).toBe(expected);
  });

  it('reads media types leniently', () => {
    expect(mediaTypeEssence(' Text/HTML ; charset=UTF-8')).toBe('text/html');
    expect(mediaTypeEssence('nonsense')).toBe('');
    expect(mediaTypeEssence(undefined)).toBe('');
  });
});
