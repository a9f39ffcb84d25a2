// The pane's entry: office.js (or the stand-in) first, then the language, then React in Fluent.
import { FluentProvider, webDarkTheme, webLightTheme } from '@fluentui/react-components';
import { createRoot } from 'react-dom/client';
import { App } from './components/App.tsx';
import { initI18n, languageOf } from './i18n/i18n.ts';
import './pane.css';

/** Outlook's theme: dark when its body background is dark. */
function themeOfOffice() {
  const background = Office.context.officeTheme?.bodyBackgroundColor;
  const match = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(background ?? '');
  if (!match) return webLightTheme;
  const [r, g, b] = match.slice(1).map((hex) => Number.parseInt(hex, 16)) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 100 ? webDarkTheme : webLightTheme;
}

async function start(): Promise<void> {
  await Office.onReady();
  performance.mark('crm:office-ready');
  await initI18n(languageOf(Office.context.displayLanguage));
  const element = document.getElementById('root');
  if (!element) throw new Error('the page has no #root');
  createRoot(element).render(
    <FluentProvider theme={themeOfOffice()} className="pane">
      <App />
    </FluentProvider>,
  );
}

start().catch((error: unknown) => {
  // Nothing rendered yet: say it plainly in both languages rather than leave the pane blank.
  const element = document.getElementById('root');
  if (element) {
    element.textContent = `Das CRM-Add-in konnte nicht starten / The CRM add-in could not start: ${(error as Error).message}`;
  }
});
