// A chart that loads @fluentui/react-charts on first use (its own chunk), with a placeholder of
// its height meanwhile; the pages import this, never Charts.tsx itself.
import { Skeleton, SkeletonItem } from '@fluentui/react-components';
import { lazy, Suspense } from 'react';
import type { ChartProps } from './Charts.tsx';

export type { ChartGroup, ChartPoint, ChartProps, ChartSpec } from './Charts.tsx';

const Chart = lazy(() => import('./Charts.tsx'));

export function LazyChart(props: ChartProps) {
  return (
    <Suspense
      fallback={
        <Skeleton aria-label={props.title}>
          <SkeletonItem size={128} />
        </Skeleton>
      }
    >
      <Chart {...props} />
    </Suspense>
  );
}
