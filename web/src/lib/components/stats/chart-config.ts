import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  Tooltip,
  type ChartConfiguration,
  type ChartDataset,
  type Plugin,
  type TooltipItem,
} from 'chart.js';
import type { StatsCell, StatsTable } from '$lib/api/stats';
import { fillPattern, seriesStyle, suppressedPattern } from './palette';

// Only what the dashboard draws, so the bundle carries no unused chart types.
Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  Tooltip,
);
Chart.defaults.color = '#1c2630';
Chart.defaults.font.family = 'system-ui, sans-serif';

export interface ChartTexts {
  /** A row's label (translated code). */
  row: (key: string) => string;
  /** A period column's label. */
  column: (column: string) => string;
  /** The label of the single series of a totals chart. */
  total: string;
  /** What a suppressed cell says in a tooltip, e.g. "< 5 (unterdrückt)". */
  suppressed: string;
  /** Tooltip footer listing the series suppressed at a point. */
  suppressedAt: (labels: string) => string;
  format: (n: number) => string;
}

/** One drawn series: values where known, null (a gap) where suppressed. */
interface Series {
  label: string;
  values: (number | null)[];
  suppressed: boolean[];
}

// Charts with more series or points than this draw one bar per row (its total) instead.
const MAX_GROUPED_BARS = 48;

/** The value to draw: a suppressed cell is a gap, never a number. */
export function drawnValue(cell: StatsCell): number | null {
  return cell.suppressed ? null : cell.value;
}

function seriesOf(cells: readonly StatsCell[], label: string): Series {
  return {
    label,
    values: cells.map(drawnValue),
    suppressed: cells.map((cell) => cell.suppressed || cell.value === null),
  };
}

/**
 * How a table is drawn. `line` and `stacked`: periods along the x axis, one series per row.
 * `bar`: grouped bars per period while that stays readable, otherwise one horizontal bar per
 * row with its total over the selected periods (the table below still has every period).
 */
export function chartShape(table: StatsTable): 'line' | 'stacked' | 'grouped' | 'totals' {
  if (table.chart === 'line' || table.chart === 'stacked') return table.chart;
  const points = table.rows.length * table.columns.length;
  return table.columns.length <= 1 || table.rows.length > 6 || points > MAX_GROUPED_BARS
    ? 'totals'
    : 'grouped';
}

export function chartSeries(table: StatsTable, texts: ChartTexts): Series[] {
  if (chartShape(table) === 'totals') {
    return [
      seriesOf(
        table.rows.map((row) => row.total),
        texts.total,
      ),
    ];
  }
  return table.rows.map((row) => seriesOf(row.cells, texts.row(row.key)));
}

export function chartLabels(table: StatsTable, texts: ChartTexts): string[] {
  return chartShape(table) === 'totals'
    ? table.rows.map((row) => texts.row(row.key))
    : table.columns.map(texts.column);
}

/**
 * Draws a hatched box at the value axis' origin for every suppressed cell: the reader sees
 * that something is there without any size, which would be a number.
 */
function suppressedMarkers(series: readonly Series[], horizontal: boolean): Plugin {
  return {
    id: 'suppressedMarkers',
    afterDatasetsDraw(chart) {
      const { ctx, chartArea } = chart;
      const size = 9;
      ctx.save();
      ctx.lineWidth = 1;
      series.forEach((one, datasetIndex) => {
        if (!chart.isDatasetVisible(datasetIndex)) return;
        const meta = chart.getDatasetMeta(datasetIndex);
        one.suppressed.forEach((isSuppressed, index) => {
          if (!isSuppressed) return;
          const element = meta.data[index];
          const position = horizontal ? element?.y : element?.x;
          const category = horizontal ? chart.scales.y : chart.scales.x;
          const along =
            position !== undefined && Number.isFinite(position)
              ? position
              : category?.getPixelForValue(index);
          if (along === undefined || !Number.isFinite(along)) return;
          const x = horizontal ? chartArea.left + 1 : along - size / 2;
          const y = horizontal ? along - size / 2 : chartArea.bottom - size - 1;
          ctx.fillStyle = suppressedPattern();
          // A totals chart has one series whose bars each have their own colour.
          ctx.strokeStyle = seriesStyle(horizontal ? index : datasetIndex).color;
          ctx.fillRect(x, y, size, size);
          ctx.strokeRect(x, y, size, size);
        });
      });
      ctx.restore();
    },
  };
}

export function chartConfig(table: StatsTable, texts: ChartTexts): ChartConfiguration {
  const shape = chartShape(table);
  const series = chartSeries(table, texts);
  const labels = chartLabels(table, texts);
  const horizontal = shape === 'totals';
  const isLine = shape === 'line';

  const datasets = series.map((one, index): ChartDataset<'bar' | 'line', (number | null)[]> => {
    const style = seriesStyle(index);
    if (isLine) {
      return {
        type: 'line',
        label: one.label,
        data: one.values,
        borderColor: style.color,
        backgroundColor: style.color,
        borderDash: style.dash,
        borderWidth: 2,
        pointStyle: style.pointStyle,
        pointRadius: 5,
        pointHoverRadius: 7,
        spanGaps: false,
      };
    }
    // A totals chart has one series: each bar gets its own look, so print keeps them apart.
    const fills = horizontal
      ? labels.map((_label, bar) => fillPattern(seriesStyle(bar).color, seriesStyle(bar).shape))
      : fillPattern(style.color, style.shape);
    return {
      type: 'bar',
      label: one.label,
      data: one.values,
      backgroundColor: fills,
      borderColor: horizontal ? labels.map((_l, bar) => seriesStyle(bar).color) : style.color,
      borderWidth: 1,
    };
  });

  const suppressedLabel = (item: TooltipItem<'bar' | 'line'>) =>
    series[item.datasetIndex]?.suppressed[item.dataIndex] ?? false;

  return {
    type: isLine ? 'line' : 'bar',
    data: { labels, datasets } as ChartConfiguration['data'],
    plugins: [suppressedMarkers(series, horizontal)],
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      indexAxis: horizontal ? 'y' : 'x',
      interaction: { mode: 'index', intersect: false, axis: horizontal ? 'y' : 'x' },
      scales: {
        x: {
          stacked: shape === 'stacked',
          beginAtZero: true,
          ticks: horizontal ? { precision: 0 } : { autoSkip: true },
        },
        y: {
          stacked: shape === 'stacked',
          beginAtZero: true,
          ticks: horizontal ? { autoSkip: false } : { precision: 0 },
        },
      },
      plugins: {
        legend: { display: !horizontal, labels: { usePointStyle: isLine } },
        tooltip: {
          callbacks: {
            label: (item) => {
              const name = horizontal ? String(item.label) : (item.dataset.label ?? '');
              const raw = item.raw;
              const text =
                suppressedLabel(item) || typeof raw !== 'number'
                  ? texts.suppressed
                  : texts.format(raw);
              return `${name}: ${text}`;
            },
            // A line skips a suppressed point, so its label is missing: the footer names it.
            footer: (items) => {
              const index = items[0]?.dataIndex;
              if (index === undefined || !isLine) return '';
              const hidden = series.filter((one) => one.suppressed[index]).map((one) => one.label);
              return hidden.length > 0 ? texts.suppressedAt(hidden.join(', ')) : '';
            },
          },
        },
      },
    },
  } as ChartConfiguration;
}

export { Chart };
