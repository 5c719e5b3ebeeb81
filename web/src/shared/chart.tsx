/**
 * Line and bar charts drawn by uPlot (canvas, ~50 KB): dates on the x axis in UTC, one y axis
 * per unit. The container reports how many points uPlot holds (`data-points`, read from the
 * chart instance itself) so the browser tests can check what was drawn.
 */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

interface ChartSeries {
  readonly label: string;
  readonly values: readonly (number | null)[];
  readonly color: string;
  /** Which y axis: 'left' (default) or 'right'. */
  readonly axis?: 'left' | 'right';
  readonly bars?: boolean;
}

export interface ChartProps {
  /** Accessible name of the chart (role="img"). */
  readonly title: string;
  /** x values: seconds since the epoch (dates at midnight UTC). */
  readonly x: readonly number[];
  readonly series: readonly ChartSeries[];
  readonly height?: number;
  readonly testId?: string;
  /** The x range to show (seconds), e.g. the whole period even when only some days have data. */
  readonly xRange?: readonly [number, number];
}

export function Chart({ title, x, series, height = 220, testId, xRange }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (element === null) return;
    const width = Math.max(280, element.clientWidth);
    const bars = uPlot.paths.bars?.({ size: [0.6, 40] });
    const options: uPlot.Options = {
      width,
      height,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'UTC'),
      legend: { show: true },
      scales: { x: { time: true, ...(xRange === undefined ? {} : { range: [xRange[0], xRange[1]] as uPlot.Range.MinMax }) }, right: {} },
      axes: [
        { stroke: '#555' },
        { stroke: '#555', size: 96 },
        ...(series.some((s) => s.axis === 'right') ? [{ scale: 'right', side: 1, stroke: '#555', grid: { show: false }, size: 60 }] : []),
      ],
      series: [
        {},
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 2,
          ...(s.bars === true && bars !== undefined ? { paths: bars, fill: `${s.color}66` } : {}),
          ...(s.axis === 'right' ? { scale: 'right' } : {}),
          points: { show: true, size: 5 },
        })),
      ],
    };
    const data = [x as number[], ...series.map((s) => s.values as (number | null)[])] as uPlot.AlignedData;
    const plot = new uPlot(options, data, element);
    element.dataset['points'] = String(plot.data[0]?.length ?? 0);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(280, element.clientWidth), height }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [x, series, height, xRange?.[0], xRange?.[1]]);
  return <div class="chart" ref={box} role="img" aria-label={title} data-testid={testId} />;
}
