// The app's entry: where it runs (a browser, or a Teams host), the language, then React in Fluent
// with the host's theme.
import {
  FluentProvider,
  type Theme,
  teamsDarkTheme,
  teamsHighContrastTheme,
  teamsLightTheme,
  webDarkTheme,
  webLightTheme,
} from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/App.tsx';
import { detectHost, type Host, type HostTheme } from './host.ts';
import { initI18n } from './i18n/i18n.ts';
import './app.css';

function fluentTheme(host: Host, theme: HostTheme): Theme {
  if (host.kind === 'teams') {
    return theme === 'dark' ? teamsDarkTheme : theme === 'contrast' ? teamsHighContrastTheme : teamsLightTheme;
  }
  return theme === 'dark' ? webDarkTheme : webLightTheme;
}

function Themed({ host }: { host: Host }) {
  const [theme, setTheme] = useState<HostTheme>(host.theme);
  useEffect(() => host.onThemeChange(setTheme), [host]);
  useEffect(() => {
    // The page itself (scroll bars, date pickers, what lies outside the provider) follows too.
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  return (
    <FluentProvider theme={fluentTheme(host, theme)} data-theme={theme} data-host={host.kind}>
      <App host={host} />
    </FluentProvider>
  );
}

async function start(): Promise<void> {
  const host = await detectHost();
  await initI18n(host.locale);
  const element = document.getElementById('root');
  if (!element) throw new Error('the page has no #root');
  createRoot(element).render(<Themed host={host} />);
}

start().catch((error: unknown) => {
  // Nothing rendered yet: say it plainly in both languages rather than leave the page blank.
  const element = document.getElementById('root');
  if (element) {
    element.textContent = `Das CRM konnte nicht starten / The CRM could not start: ${(error as Error).message}`;
  }
});
