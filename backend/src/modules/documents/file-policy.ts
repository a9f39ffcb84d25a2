// What a file is, from its bytes rather than from what the sender says, and whether we keep it:
// programs and scripts are refused (415), a file whose bytes contradict its declared type is
// refused (422), everything else is stored with the type its bytes show.
import path from 'node:path';
import { fileTypeFromBuffer, supportedMimeTypes } from 'file-type';
import type { FieldError } from '../../http/errors.ts';
import type { Text } from '../../http/language.ts';
import { problem } from '../../http/problems.ts';

/** Types whose bytes are programs, installers or shortcuts to them. */
const REFUSED_TYPES = new Set([
  'application/x-msdownload',
  'application/vnd.microsoft.portable-executable',
  'application/x-dosexec',
  'application/x-executable',
  'application/x-elf',
  'application/x-mach-binary',
  'application/x-sharedlib',
  'application/x-msi',
  'application/x-ms-installer',
  'application/x-ms-shortcut',
  'application/java-vm',
  'application/java-archive',
  'application/x-java-archive',
  'application/vnd.android.package-archive',
  'application/wasm',
  'application/x-deb',
  'application/x-rpm',
  'application/x-sh',
  'application/x-csh',
  'application/x-bat',
  'application/x-msdos-program',
  'application/hta',
  'application/x-ms-regedit',
  'application/vnd.ms-htmlhelp',
  'application/javascript',
  'application/x-javascript',
  'text/javascript',
  'application/x-powershell',
  'text/vbscript',
  'application/x-vbscript',
]);

/** Extensions Windows, macOS or Linux run when opened. */
const REFUSED_EXTENSIONS = new Set([
  'exe',
  'dll',
  'com',
  'scr',
  'pif',
  'cpl',
  'msi',
  'msp',
  'mst',
  'bat',
  'cmd',
  'ps1',
  'psm1',
  'psd1',
  'vbs',
  'vbe',
  'js',
  'jse',
  'mjs',
  'wsf',
  'wsh',
  'wsc',
  'hta',
  'chm',
  'msc',
  'jar',
  'lnk',
  'reg',
  'inf',
  'scf',
  'gadget',
  'application',
  'appref-ms',
  'sh',
  'bash',
  'command',
  'app',
  'apk',
  'deb',
  'rpm',
  'run',
  'elf',
  'so',
  'dylib',
]);

/** What a sender says when it does not know (or, for multipart parts, says nothing). */
const GENERIC_TYPES = new Set([
  '',
  'application/octet-stream',
  'binary/octet-stream',
  'application/binary',
  'application/unknown',
  'application/x-download',
  'application/force-download',
  'text/plain',
]);

/** Other names of the same type, as mail clients and browsers send them. */
const ALIASES: Record<string, string> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'image/x-png': 'image/png',
  'image/vnd.microsoft.icon': 'image/x-icon',
  'application/x-pdf': 'application/pdf',
  'application/acrobat': 'application/pdf',
  'application/x-zip-compressed': 'application/zip',
  'application/x-zip': 'application/zip',
  'audio/mp3': 'audio/mpeg',
  'audio/x-mp3': 'audio/mpeg',
  'audio/x-wav': 'audio/wav',
  'audio/wave': 'audio/wav',
  'video/x-m4v': 'video/mp4',
  'application/x-gzip': 'application/gzip',
  'application/x-rar': 'application/x-rar-compressed',
  'application/vnd.rar': 'application/x-rar-compressed',
};

/** Formats whose bytes are a ZIP or an OLE compound file holding something more specific. */
const CONTAINERS = new Set(['application/zip', 'application/x-cfb']);

const canonical = (type: string) => ALIASES[type] ?? type;

/** "Text/HTML; charset=UTF-8" → "text/html"; '' for nothing usable. */
export function mediaTypeEssence(value: string | null | undefined): string {
  const essence = (value ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(essence) ? essence : '';
}

function compatible(declared: string, sniffed: string): boolean {
  const a = canonical(declared);
  const b = canonical(sniffed);
  if (a === b) return true;
  // A .docx is a ZIP, a .doc or .msg an OLE compound file: either name is right.
  if (CONTAINERS.has(b) && a.startsWith('application/')) return true;
  if (CONTAINERS.has(a) && b.startsWith('application/')) return true;
  return false;
}

export interface InspectedFile {
  /** The type the bytes show, or the declared one when bytes cannot tell (text formats). */
  contentType: string;
  /** What the sender declared, when it declared something specific. */
  declaredType: string | null;
}

/**
 * Decides whether a file may be stored and under which type. `pointer` names the offending value
 * in problems (e.g. `#/attachments/2` of a mail, `#/file` of an upload).
 */
export async function inspectFile(
  bytes: Buffer,
  file: { name: string; declaredType?: string | null | undefined },
  pointer: string,
  where: FieldError['in'] = 'body',
): Promise<InspectedFile> {
  const declared = mediaTypeEssence(file.declaredType);
  const extension = path.extname(file.name).slice(1).toLowerCase();
  const at = { at: { in: where, pointer } };
  const refuse = (reason: Text) => problem('file_type_refused', { name: file.name, reason }, at);
  if (bytes.length === 0) {
    throw problem('empty_file', { name: file.name }, at);
  }
  const sniffed = (await fileTypeFromBuffer(bytes))?.mime;
  if (sniffed && REFUSED_TYPES.has(sniffed))
    throw refuse({ en: `its content is a program (${sniffed})`, de: `ihr Inhalt ist ein Programm (${sniffed})` });
  if (REFUSED_EXTENSIONS.has(extension))
    throw refuse({
      en: `files ending in .${extension} are programs or scripts`,
      de: `Dateien mit der Endung .${extension} sind Programme oder Skripte`,
    });
  if (declared && REFUSED_TYPES.has(declared))
    throw refuse({
      en: `its declared type ${declared} is a program or script`,
      de: `ihr angegebener Typ ${declared} ist ein Programm oder Skript`,
    });

  const specific = declared !== '' && !GENERIC_TYPES.has(declared);
  const mismatch = (shown: Text) => problem('content_type_mismatch', { name: file.name, declared, shown }, at);
  if (sniffed) {
    if (specific && !compatible(declared, sniffed)) throw mismatch({ en: `is ${sniffed}`, de: `ist ${sniffed}` });
    // A container says less than the declared type (.docx is a ZIP): keep the more specific name.
    const contentType = CONTAINERS.has(sniffed) && specific ? canonical(declared) : sniffed;
    return { contentType, declaredType: declared || null };
  }
  // The bytes match no format we know. Had they been what a recognisable declared type says
  // (PDF, PNG, ZIP …), we would have recognised them.
  // Text formats are left out: a BOM or a blank line first hides them from recognition.
  const textual = declared.startsWith('text/') || /^application\/(xml|json)$|\+(xml|json)$/.test(declared);
  if (specific && !textual && supportedMimeTypes.has(canonical(declared))) {
    throw mismatch({ en: 'does not look like that format', de: 'sieht nicht nach diesem Format aus' });
  }
  return { contentType: declared || 'application/octet-stream', declaredType: declared || null };
}
