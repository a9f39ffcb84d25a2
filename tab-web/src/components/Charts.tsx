// Charts of dashboard widgets and reports, drawn with @fluentui/react-charts. The library is large,
// so this file is only ever imported lazily (LazyChart below the pages' figures): the board and the
// start page load without it. Colours follow the host's theme (light, dark, Teams high contrast);
// every bar or slice is labelled for screen readers, and the pages show the figures as text too.
import {
  DonutChart,
  GroupedVerticalBarChart,
  HorizontalBarChartWithAxis,
  VerticalBarChart,
} from '@fluentui/react-charts';
import { makeStyles } from '@fluentui/react-components';
import { type RefObject, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** One figure of a chart: its label, its number and the number as the page writes it. */
export interface ChartPoint {
  key: string;
  label: string;
  value: number;
  text: string;
}

/** A figure per series for one group (a month with its won and lost deals). */
export interface ChartGroup {
  key: string;
  label: string;
  values: Omit<ChartPoint, 'key' | 'label'>[];
}

export type ChartSpec =
  | { kind: 'bars' | 'columns' | 'donut'; points: ChartPoint[]; inside?: string }
  | { kind: 'grouped-columns'; series: { key: string; label: string }[]; groups: ChartGroup[] };

export interface ChartProps {
  /** What the chart shows, said to screen readers. */
  title: string;
  /** The colour of the first (or only) series, as a widget is set up; Fluent's brand blue without. */
  color?: string;
  spec: ChartSpec;
}

const useStyles = makeStyles({
  chart: { width: '100%', minWidth: 0 },
  // The library capitalises every word of a legend; names are shown as they are written.
  legendText: { textTransform: 'none' },
});

const BRAND = '#0f6cbd';
/** Colours that follow the first one, for slices and further series. */
const FOLLOWING = ['#038387', '#ca5010', '#5c2e91', '#107c10', '#c50f1f', '#986f0b', '#4f6bed', '#69797e'];
/** In Teams' high contrast theme: its own foreground colours, which stand out on black. */
const CONTRAST = ['#ffffff', '#1aebff', '#3ff23f', '#ffff00'];

type HostTheme = 'light' | 'dark' | 'contrast';

/** The theme of the FluentProvider around the chart (main.tsx marks it with data-theme). */
function useHostTheme(ref: RefObject<HTMLElement | null>): HostTheme {
  const [theme, setTheme] = useState<HostTheme>('light');
  useLayoutEffect(() => {
    const host = ref.current?.closest<HTMLElement>('[data-theme]');
    if (!host) return;
    const read = () => {
      const value = host.dataset.theme;
      setTheme(value === 'dark' || value === 'contrast' ? value : 'light');
    };
    read();
    const observer = new MutationObserver(read);
    observer.observe(host, { attributes: true, attributeFilter: ['data-theme'] });
    return () => observer.disconnect();
  }, [ref]);
  return theme;
}

/** A colour halfway to white: the palette's dark tones stay readable on a dark background. */
function lighten(hex: string): string {
  const value = Number.parseInt(hex.slice(1), 16);
  const channel = (shift: number) => Math.round((((value >> shift) & 0xff) + 255) / 2);
  return `#${((channel(16) << 16) | (channel(8) << 8) | channel(0)).toString(16).padStart(6, '0')}`;
}

function colorsFor(theme: HostTheme, first: string, count: number): string[] {
  if (theme === 'contrast') return Array.from({ length: count }, (_, i) => CONTRAST[i % CONTRAST.length] as string);
  const base = [first, ...FOLLOWING.filter((color) => color !== first)];
  const colors = Array.from({ length: count }, (_, i) => base[i % base.length] as string);
  return theme === 'dark' ? colors.map(lighten) : colors;
}

/** Pixels of a horizontal bar, of the other charts, and of the longest stage name on an axis. */
const BAR_HEIGHT = 32;
const HEIGHT = 200;
const AXIS_LABEL_CHARS = 18;

/** Room on the left for the names on a horizontal chart's axis (the library measures them too late). */
const axisWidth = (labels: string[]) =>
  24 + 6.5 * Math.min(AXIS_LABEL_CHARS, Math.max(4, ...labels.map((label) => label.length)));

export default function Chart({ title, color = BRAND, spec }: ChartProps) {
  const { t, i18n } = useTranslation();
  const styles = useStyles();
  const ref = useRef<HTMLDivElement>(null);
  const theme = useHostTheme(ref);
  const culture = i18n.language;
  const label = (point: { label: string; text: string }) => ({ ariaLabel: `${point.label}: ${point.text}` });

  // The cartesian charts fill their parent's height: it is set here.
  const height = spec.kind === 'bars' ? Math.max(2, spec.points.length) * BAR_HEIGHT + 40 : HEIGHT;

  // The library describes its charts in English: said here in the page's language.
  const described = (count: number) => ({
    'aria-label': t(`dashboards.chart.${spec.kind}`, { title, count }),
  });

  const chart = () => {
    switch (spec.kind) {
      case 'bars': {
        const [barColor] = colorsFor(theme, color, 1);
        return (
          <HorizontalBarChartWithAxis
            chartTitle={title}
            culture={culture}
            height={height}
            margins={{ left: axisWidth(spec.points.map((point) => point.label)) }}
            hideLegend
            hideTooltip
            roundCorners
            useSingleColor
            colors={barColor ? [barColor] : undefined}
            showYAxisLablesTooltip
            noOfCharsToTruncate={AXIS_LABEL_CHARS}
            // The library draws the first bar at the bottom: the first stage belongs on top.
            svgProps={described(spec.points.length)}
            data={[...spec.points].reverse().map((point) => ({
              x: point.value,
              y: point.label,
              barLabel: point.text,
              callOutAccessibilityData: label(point),
            }))}
          />
        );
      }
      case 'columns': {
        const [barColor] = colorsFor(theme, color, 1);
        return (
          <VerticalBarChart
            chartTitle={title}
            culture={culture}
            height={height}
            hideLegend
            hideTooltip
            roundCorners
            useSingleColor
            barWidth="auto"
            maxBarWidth={40}
            colors={barColor ? [barColor] : undefined}
            wrapXAxisLables
            svgProps={described(spec.points.length)}
            data={spec.points.map((point) => ({
              x: point.label,
              y: point.value,
              callOutAccessibilityData: label(point),
            }))}
          />
        );
      }
      case 'donut': {
        const colors = colorsFor(theme, color, spec.points.length);
        return (
          <DonutChart
            culture={culture}
            height={height}
            width={height * 2}
            innerRadius={55}
            hideTooltip
            valueInsideDonut={spec.inside}
            legendProps={{ styles: { text: styles.legendText } }}
            // Without a chart title: the card or section above names it; the wrapper tells screen readers.
            data={{
              chartData: spec.points.map((point, i) => ({
                legend: point.label,
                data: point.value,
                color: colors[i],
                callOutAccessibilityData: label(point),
              })),
            }}
          />
        );
      }
      case 'grouped-columns': {
        const colors = colorsFor(theme, color, spec.series.length);
        return (
          <GroupedVerticalBarChart
            chartTitle={title}
            culture={culture}
            height={height}
            barWidth="auto"
            maxBarWidth={32}
            hideTooltip
            wrapXAxisLables
            svgProps={described(spec.groups.length)}
            data={spec.groups.map((group) => ({
              name: group.label,
              series: spec.series.map((series, i) => {
                const value = group.values[i] ?? { value: 0, text: '' };
                return {
                  key: series.key,
                  legend: series.label,
                  data: value.value,
                  color: colors[i],
                  callOutAccessibilityData: { ariaLabel: `${group.label}, ${series.label}: ${value.text}` },
                };
              }),
            }))}
          />
        );
      }
    }
  };

  return (
    <div
      ref={ref}
      className={styles.chart}
      style={{ height }}
      data-chart={spec.kind}
      {...(spec.kind === 'donut' ? { role: 'group', ...described(spec.points.length) } : {})}
    >
      {chart()}
    </div>
  );
}
