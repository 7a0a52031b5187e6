/**
 * Charts drawn on the server: Apache ECharts' server-side rendering to SVG (no browser), and a PNG of
 * that SVG by resvg with the CJK font. The page embeds the SVGs; the chat gets the PNGs.
 */
import type * as Echarts from 'echarts';
import type * as ResvgJs from '@resvg/resvg-js';
import { lazy } from './lazy.js';
import { CJK_FAMILY, cjkFontFile } from './fonts.js';

export interface Bar {
  label: string;
  value: number;
}

export interface ChartSize {
  width: number;
  height: number;
}

const COLORS = ['#2f6fb0', '#d9822b', '#8a8a8a', '#3c9d5d', '#b23b3b', '#7a5cb0'];

const echarts = lazy<typeof Echarts>('echarts');
const resvgJs = lazy<typeof ResvgJs>('@resvg/resvg-js');

function render(option: Echarts.EChartsOption, size: ChartSize): string {
  const chart = echarts().init(null, null, { renderer: 'svg', ssr: true, width: size.width, height: size.height });
  try {
    chart.setOption({ animation: false, backgroundColor: '#ffffff', textStyle: { fontFamily: `${CJK_FAMILY}, sans-serif` }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** A horizontal bar per choice with its count (a poll's or rating's result). */
export function barChartSvg(title: string, bars: Bar[], size: ChartSize = { width: 640, height: 360 }, subtitle?: string): string {
  const labels = bars.map((b) => b.label);
  return render(
    {
      title: { text: title, subtext: subtitle, left: 'center', top: 8, textStyle: { fontSize: 20 }, subtextStyle: { fontSize: 14 } },
      grid: { left: 110, right: 60, top: subtitle ? 80 : 60, bottom: 30 },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: [...labels].reverse(), axisLabel: { fontSize: 16 } },
      series: [
        {
          type: 'bar',
          data: bars.map((b, i) => ({ value: b.value, itemStyle: { color: COLORS[i % COLORS.length] } })).reverse(),
          label: { show: true, position: 'right', fontSize: 16 },
          barMaxWidth: 40,
        },
      ],
    },
    size,
  );
}

/** Satisfaction (0..1) per quarter as columns, with the community's threshold as a line. */
export function quarterChartSvg(title: string, points: { quarter: string; rate: number | null }[], threshold: number, size: ChartSize = { width: 640, height: 300 }): string {
  return render(
    {
      title: { text: title, left: 'center', top: 6, textStyle: { fontSize: 16 } },
      grid: { left: 50, right: 50, top: 50, bottom: 30 },
      xAxis: { type: 'category', data: points.map((p) => p.quarter) },
      yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
      series: [
        {
          type: 'bar',
          data: points.map((p) => (p.rate === null ? null : Math.round(p.rate * 100))),
          itemStyle: { color: COLORS[0] },
          label: { show: true, position: 'top', formatter: '{c}%' },
          barMaxWidth: 48,
          markLine: { symbol: 'none', silent: true, data: [{ yAxis: Math.round(threshold * 100) }], lineStyle: { color: COLORS[4], type: 'dashed' }, label: { formatter: '{c}%' } },
        },
      ],
    },
    size,
  );
}

/** The SVG as a PNG at its own size; the CJK font when installed (without it CJK text does not show). */
export function svgToPng(svg: string): Buffer {
  const font = cjkFontFile();
  const resvg = new (resvgJs().Resvg)(svg, {
    background: '#ffffff',
    font: font ? { fontFiles: [font], loadSystemFonts: false, defaultFontFamily: CJK_FAMILY } : { loadSystemFonts: true },
  });
  return resvg.render().asPng();
}
