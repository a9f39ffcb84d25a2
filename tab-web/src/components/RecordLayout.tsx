// A user's own record pages (C10, V8): which header buttons show, and which sections, in which
// order and width, per record type; kept on the server, changed in a dialog by keyboard or mouse.
import type { RecordAction, RecordPageSettings, RecordSectionSetting } from '@crm/backend/contract';
import {
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  DialogTrigger,
  makeStyles,
  Text,
  tokens,
} from '@fluentui/react-components';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useRecordPageSettings } from '../api/queries.ts';
import type { PageType } from '../records.ts';
import { ErrorBar } from './Feedback.tsx';

export const RECORD_ACTIONS: readonly RecordAction[] = ['call', 'teamsCall', 'mail', 'route'];

const NO_SETTINGS: RecordPageSettings = { hiddenActions: [], sections: {} };

const useStyles = makeStyles({
  group: { border: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column' },
  legend: { fontWeight: tokens.fontWeightSemibold, padding: 0, marginBottom: tokens.spacingVerticalXS },
  rows: { listStyleType: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column' },
  row: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalXS },
  name: { flexGrow: 1, minWidth: '160px' },
  controls: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalXS, marginLeft: 'auto' },
  content: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
  muted: { color: tokens.colorNeutralForeground3 },
});

/** The page's sections in the user's order (new ones, unknown to the setting, at the end), each with its setting. */
export function laidOut(names: string[], stored: RecordSectionSetting[] | undefined): RecordSectionSetting[] {
  const known = (stored ?? []).filter((section) => names.includes(section.name));
  const placed = new Set(known.map((section) => section.name));
  return [...known, ...names.filter((name) => !placed.has(name)).map((name) => ({ name }))];
}

/** The user's record page settings and a change to them (kept at once). */
export function useRecordLayout() {
  const { stored, save } = useRecordPageSettings();
  const value = stored.data?.value ?? NO_SETTINGS;
  return {
    value,
    loaded: stored.isSuccess || stored.isError,
    save,
    change: (next: RecordPageSettings) => save.mutate(next),
  };
}

export function CustomizeDialog({ type, sectionNames }: { type: PageType; sectionNames: string[] }) {
  const { t } = useTranslation();
  const styles = useStyles();
  const { value, change, save } = useRecordLayout();
  const sections = laidOut(sectionNames, value.sections[type]);
  // A moved section's button keeps the focus, wherever the row lands.
  const [focus, setFocus] = useState<{ key: string; moves: number } | null>(null);
  const rows = useRef<HTMLOListElement>(null);
  useEffect(() => {
    if (!focus) return;
    rows.current?.querySelector<HTMLButtonElement>(`[data-focus-key="${focus.key}"]`)?.focus();
  }, [focus]);

  const sectionName = (name: string) => t(`sections.${name}`, { defaultValue: name });
  const keep = (next: RecordSectionSetting[]) => change({ ...value, sections: { ...value.sections, [type]: next } });
  const toggleAction = (action: RecordAction, shown: boolean) =>
    change({
      ...value,
      hiddenActions: shown
        ? value.hiddenActions.filter((hidden) => hidden !== action)
        : [...value.hiddenActions, action],
    });
  const move = (index: number, by: -1 | 1) => {
    const next = [...sections];
    const [moved] = next.splice(index, 1);
    if (!moved) return;
    next.splice(index + by, 0, moved);
    // At an end the button it was pressed with is gone: the other one of the row takes the focus.
    const lands = index + by;
    const direction = lands === 0 ? 'down' : lands === next.length - 1 ? 'up' : by === -1 ? 'up' : 'down';
    setFocus((before) => ({ key: `${moved.name}:${direction}`, moves: (before?.moves ?? 0) + 1 }));
    keep(next);
  };
  const setSection = (index: number, change: Partial<RecordSectionSetting>) =>
    keep(sections.map((section, at) => (at === index ? withOnly({ ...section, ...change }) : section)));

  return (
    <Dialog modalType="non-modal" onOpenChange={() => setFocus(null)}>
      <DialogTrigger disableButtonEnhancement>
        <Button appearance="subtle">{t('recordPage.customize.open')}</Button>
      </DialogTrigger>
      <DialogSurface>
        <DialogBody>
          <DialogTitle>{t('recordPage.customize.title')}</DialogTitle>
          <DialogContent className={styles.content}>
            <Text size={200} className={styles.muted}>
              {t('recordPage.customize.intro')}
            </Text>
            {save.error && <ErrorBar error={save.error} />}
            <fieldset className={styles.group}>
              <legend className={styles.legend}>{t('recordPage.customize.actions')}</legend>
              {RECORD_ACTIONS.map((action) => (
                <Checkbox
                  key={action}
                  label={t(`recordPage.actions.${action}`)}
                  checked={!value.hiddenActions.includes(action)}
                  onChange={(_, data) => toggleAction(action, data.checked === true)}
                />
              ))}
            </fieldset>
            <fieldset className={styles.group}>
              <legend className={styles.legend}>{t('recordPage.customize.sections')}</legend>
              <ol className={styles.rows} ref={rows}>
                {sections.map((section, index) => {
                  const name = sectionName(section.name);
                  return (
                    <li key={section.name} className={styles.row}>
                      <Checkbox
                        className={styles.name}
                        label={name}
                        aria-label={t('recordPage.customize.shown', { name })}
                        checked={!section.hidden}
                        onChange={(_, data) => setSection(index, { hidden: data.checked !== true })}
                      />
                      <div className={styles.controls}>
                        <Checkbox
                          label={t('recordPage.customize.wide')}
                          aria-label={t('recordPage.customize.wideLabel', { name })}
                          checked={section.wide === true}
                          onChange={(_, data) => setSection(index, { wide: data.checked === true })}
                        />
                        <Button
                          appearance="subtle"
                          icon={<span aria-hidden="true">↑</span>}
                          aria-label={t('recordPage.customize.up', { name })}
                          title={t('recordPage.customize.up', { name })}
                          data-focus-key={`${section.name}:up`}
                          disabled={index === 0}
                          onClick={() => move(index, -1)}
                        />
                        <Button
                          appearance="subtle"
                          icon={<span aria-hidden="true">↓</span>}
                          aria-label={t('recordPage.customize.down', { name })}
                          title={t('recordPage.customize.down', { name })}
                          data-focus-key={`${section.name}:down`}
                          disabled={index === sections.length - 1}
                          onClick={() => move(index, 1)}
                        />
                      </div>
                    </li>
                  );
                })}
              </ol>
            </fieldset>
          </DialogContent>
          <DialogActions>
            <Button
              appearance="secondary"
              onClick={() => {
                const { [type]: _mine, ...others } = value.sections;
                change({ ...value, sections: others });
              }}
            >
              {t('recordPage.customize.reset')}
            </Button>
            <DialogTrigger disableButtonEnhancement>
              <Button appearance="primary">{t('recordPage.customize.close')}</Button>
            </DialogTrigger>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

/** A section's setting without the defaults (shown, normal width), as it is kept. */
function withOnly(section: RecordSectionSetting): RecordSectionSetting {
  return {
    name: section.name,
    ...(section.hidden ? { hidden: true } : {}),
    ...(section.wide ? { wide: true } : {}),
  };
}
