// A record's documents on its 360° page: upload by dropping files on the section or through a file
// picker button (keyboard), each document with its newest version, who brought it and when, a new
// version (a file uploaded under the document's name), its older versions, and downloads of each.
import type { DocumentDetail, DocumentsPage, Document as StoredDocument } from '@crm/backend/contract';
import { Button, makeStyles, Spinner, Text, ToggleButton, tokens } from '@fluentui/react-components';
import { useQueryClient } from '@tanstack/react-query';
import { type DragEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApiQuery } from '../api/queries.ts';
import { useSession } from '../session.tsx';
import { ErrorBar } from './Feedback.tsx';

const useStyles = makeStyles({
  zone: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: tokens.spacingHorizontalS,
    padding: tokens.spacingVerticalM,
    border: `${tokens.strokeWidthThick} dashed ${tokens.colorNeutralStroke1}`,
    borderRadius: tokens.borderRadiusMedium,
  },
  over: {
    border: `${tokens.strokeWidthThick} dashed ${tokens.colorBrandStroke1}`,
    backgroundColor: tokens.colorBrandBackground2,
  },
  list: {
    listStyleType: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
  },
  entry: { display: 'flex', flexDirection: 'column', gap: '2px', overflowWrap: 'anywhere' },
  actions: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS },
  muted: { color: tokens.colorNeutralForeground3 },
  hidden: { position: 'absolute', width: '1px', height: '1px', opacity: 0, overflow: 'hidden', pointerEvents: 'none' },
});

function sizeOf(bytes: number | null, language: string): string {
  if (bytes === null) return '';
  const format = (value: number, unit: string) =>
    `${value.toLocaleString(language, { maximumFractionDigits: 1 })} ${unit}`;
  if (bytes < 1024) return format(bytes, 'B');
  if (bytes < 1024 * 1024) return format(bytes / 1024, 'KB');
  return format(bytes / 1024 / 1024, 'MB');
}

interface VersionFacts {
  number: number;
  size: number | null;
  uploadedByName?: string | null;
  uploadedAt: string;
}

/** "Version 2 · 1.2 MB · Anna Schmidt · 05.12.26, 10:14": a document's or one of its versions' line. */
function useVersionMeta(): (version: VersionFacts) => string {
  const { t, i18n } = useTranslation();
  return (version) =>
    t('documents.meta', {
      number: version.number,
      size: sizeOf(version.size, i18n.language),
      who: version.uploadedByName ?? t('documents.someone'),
      when: new Date(version.uploadedAt).toLocaleString(i18n.language, { dateStyle: 'short', timeStyle: 'short' }),
    });
}

/** Saves a download of the API as the browser does a link's. */
function useSave() {
  const { api } = useSession();
  return async (path: string, fallbackName: string) => {
    const { blob, filename } = await api.download(path, '*/*');
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = filename ?? fallbackName;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  };
}

function Versions({ document: stored, onError }: { document: StoredDocument; onError: (error: unknown) => void }) {
  const { t } = useTranslation();
  const styles = useStyles();
  const save = useSave();
  const metaOf = useVersionMeta();
  const detail = useApiQuery<DocumentDetail>(`/v1/documents/${encodeURIComponent(stored.id)}`);
  if (detail.error) return <ErrorBar error={detail.error} onRetry={() => void detail.refetch()} />;
  if (!detail.data) return <Spinner size="tiny" label={t('documents.loading')} />;
  return (
    <ul className={styles.list} aria-label={t('documents.versionsLabel', { name: stored.name })}>
      {detail.data.versions.map((version) => (
        <li key={version.number} className={styles.actions}>
          <Text size={200}>{metaOf(version)}</Text>
          <Button
            size="small"
            aria-label={t('documents.downloadVersionLabel', { number: version.number, name: stored.name })}
            onClick={() =>
              void save(
                `/v1/documents/${encodeURIComponent(stored.id)}/versions/${version.number}/content`,
                stored.name,
              ).catch(onError)
            }
          >
            {t('documents.version', { number: version.number })}
          </Button>
        </li>
      ))}
    </ul>
  );
}

export function DocumentsSection({ type, id }: { type: string; id: string }) {
  const { t } = useTranslation();
  const styles = useStyles();
  const metaOf = useVersionMeta();
  const { api } = useSession();
  const queryClient = useQueryClient();
  const save = useSave();
  const path = `/v1/records/${encodeURIComponent(type)}/${encodeURIComponent(id)}/documents`;
  const documents = useApiQuery<DocumentsPage>(path, { limit: 50 });
  const picker = useRef<HTMLInputElement>(null);
  const versionPicker = useRef<HTMLInputElement>(null);
  const [versionOf, setVersionOf] = useState<StoredDocument | null>(null);
  const [open, setOpen] = useState<Record<string, boolean>>({});
  const [over, setOver] = useState(false);
  const [busy, setBusy] = useState(false);
  const [said, setSaid] = useState('');
  const [failure, setFailure] = useState<unknown>(null);

  async function upload(files: File[], asName?: string) {
    if (files.length === 0) return;
    setBusy(true);
    setFailure(null);
    setSaid('');
    try {
      const told: string[] = [];
      for (const file of files) {
        const form = new FormData();
        form.append('file', asName ? new File([file], asName, { type: file.type }) : file);
        const { status, body } = await api.upload<DocumentDetail>(path, form);
        told.push(
          status === 200
            ? t('documents.unchanged', { name: body.name })
            : t('documents.uploaded', { name: body.name, number: body.latestVersion }),
        );
      }
      setSaid(told.join(' '));
      await queryClient.invalidateQueries({
        predicate: (query) => {
          const key = String(query.queryKey[0]);
          return key === path || key.startsWith('/v1/documents/') || key.includes('/overview');
        },
      });
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  }

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setOver(false);
    void upload([...event.dataTransfer.files]);
  };

  return (
    <>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: dropping files is the pointer's way; the button beside is the keyboard's */}
      <div
        className={over ? `${styles.zone} ${styles.over}` : styles.zone}
        data-testid="document-drop-zone"
        onDragOver={(event) => {
          event.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <Text size={200}>{t('documents.drop')}</Text>
        <Button size="small" disabled={busy} onClick={() => picker.current?.click()}>
          {t('documents.choose')}
        </Button>
        {busy && <Spinner size="tiny" label={t('documents.uploading')} />}
        <input
          ref={picker}
          type="file"
          multiple
          className={styles.hidden}
          tabIndex={-1}
          aria-hidden="true"
          onChange={(event) => {
            void upload([...(event.target.files ?? [])]);
            event.target.value = '';
          }}
        />
        <input
          ref={versionPicker}
          type="file"
          className={styles.hidden}
          tabIndex={-1}
          aria-hidden="true"
          onChange={(event) => {
            if (versionOf) void upload([...(event.target.files ?? [])], versionOf.name);
            event.target.value = '';
          }}
        />
      </div>
      <div role="status" aria-live="polite">
        {said && <Text size={200}>{said}</Text>}
      </div>
      {failure !== null && <ErrorBar error={failure} />}
      {documents.error ? (
        <ErrorBar error={documents.error} onRetry={() => void documents.refetch()} />
      ) : !documents.data ? (
        <Spinner size="tiny" label={t('documents.loading')} />
      ) : documents.data.items.length === 0 ? (
        <Text size={200} className={styles.muted}>
          {t('documents.empty')}
        </Text>
      ) : (
        <ul className={styles.list} aria-label={t('sections.documents')}>
          {documents.data.items.map((stored) => (
            <li key={stored.id} className={styles.entry}>
              <Text weight="semibold">{stored.name}</Text>
              <Text size={200} className={styles.muted}>
                {metaOf({ ...stored, number: stored.latestVersion })}
              </Text>
              {stored.activityId && (
                <Text size={200} className={styles.muted}>
                  {t('documents.fromMeeting')}
                </Text>
              )}
              <div className={styles.actions}>
                {stored.kind === 'cloud' && stored.cloudUrl ? (
                  <Button size="small" as="a" href={stored.cloudUrl} target="_blank" rel="noreferrer">
                    {t('documents.cloud')}
                  </Button>
                ) : (
                  <>
                    <Button
                      size="small"
                      aria-label={t('documents.downloadLabel', { name: stored.name })}
                      onClick={() =>
                        void save(`/v1/documents/${encodeURIComponent(stored.id)}/content`, stored.name).catch(
                          setFailure,
                        )
                      }
                    >
                      {t('documents.download')}
                    </Button>
                    {!stored.mailId && (
                      <Button
                        size="small"
                        disabled={busy}
                        aria-label={t('documents.newVersionLabel', { name: stored.name })}
                        onClick={() => {
                          setVersionOf(stored);
                          versionPicker.current?.click();
                        }}
                      >
                        {t('documents.newVersion')}
                      </Button>
                    )}
                    <ToggleButton
                      size="small"
                      appearance="subtle"
                      checked={open[stored.id] ?? false}
                      aria-label={t('documents.versionsLabel', { name: stored.name })}
                      onClick={() => setOpen((was) => ({ ...was, [stored.id]: !was[stored.id] }))}
                    >
                      {t('documents.versions')}
                    </ToggleButton>
                  </>
                )}
              </div>
              {open[stored.id] && <Versions document={stored} onError={setFailure} />}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
