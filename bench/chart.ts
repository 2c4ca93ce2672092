// A horizontal bar chart of elbow's ratios to the reference proxy (both engines'), as hand-written SVG.
import { ratioText } from './report.js';
import type { Row } from './report.js';

const BAR_HEIGHT = 22;
const GAP = 8;
const LABEL_WIDTH = 390;
const PLOT_WIDTH = 420;
const MARGIN = 20;

function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

export function ratioChart(rows: readonly Row[], subtitle: string): string {
  const bars = rows.filter((row): row is Row & { ratio: number } => row.ratio !== null);
  const maxRatio = Math.max(2, ...bars.map((row) => row.ratio));
  const x = (ratio: number): number => LABEL_WIDTH + (ratio / maxRatio) * PLOT_WIDTH;
  const top = MARGIN + 40;
  const height = top + Math.max(1, bars.length) * (BAR_HEIGHT + GAP) + MARGIN + 20;
  const width = LABEL_WIDTH + PLOT_WIDTH + 80;
  const parts = bars.map((row, i) => {
    const y = top + i * (BAR_HEIGHT + GAP);
    // Green: the goal is met, or (no goal) elbow does better than the reference.
    const good = row.met ?? (row.metric.better === 'higher' ? row.ratio >= 1 : row.ratio <= 1);
    const named = row.metric.ratioTo && row.metric.ratioTo !== 'haproxy' && !row.metric.label.includes(row.metric.ratioTo);
    const versus = named ? ` ÷ ${row.metric.ratioTo}` : '';
    const label = `${row.scenario}: ${row.metric.label}${versus}${row.metric.better === 'lower' ? ' (lower is better)' : ''}`;
    const goal = row.metric.goal?.on === 'ratio' ? row.metric.goal.value : null;
    const goalMark =
      goal === null ? '' : `\n  <line x1="${x(goal).toFixed(1)}" y1="${y - 3}" x2="${x(goal).toFixed(1)}" y2="${y + BAR_HEIGHT + 3}" stroke="#333" stroke-width="2"><title>goal ${ratioText(goal)}x</title></line>`;
    return `  <text x="${LABEL_WIDTH - 8}" y="${y + 15}" text-anchor="end">${escapeXml(label)}</text>
  <rect x="${LABEL_WIDTH}" y="${y}" width="${(x(row.ratio) - LABEL_WIDTH).toFixed(1)}" height="${BAR_HEIGHT}" fill="${good ? '#2e8b57' : '#c0392b'}"/>
  <text x="${(x(row.ratio) + 4).toFixed(1)}" y="${y + 15}">${row.ratio.toFixed(2)}x</text>${goalMark}`;
  });
  const one = x(1).toFixed(1);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">
  <rect width="100%" height="100%" fill="white"/>
  <text x="${MARGIN}" y="${MARGIN + 4}" font-size="15" font-weight="bold">elbow ÷ HAProxy (or the proxy named), same run, medians; | = goal</text>
  <text x="${MARGIN}" y="${MARGIN + 22}" fill="#555">${escapeXml(subtitle)}</text>
${parts.length > 0 ? parts.join('\n') : `  <text x="${LABEL_WIDTH}" y="${top + 15}" fill="#555">no ratio: elbow served none of the measured scenarios</text>`}
  <line x1="${one}" y1="${top - 6}" x2="${one}" y2="${height - MARGIN - 14}" stroke="#333" stroke-dasharray="4 3"/>
  <text x="${one}" y="${height - MARGIN}" text-anchor="middle">1.0x</text>
</svg>
`;
}
