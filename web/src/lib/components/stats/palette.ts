import type { PointStyle } from 'chart.js';

/**
 * Okabe–Ito: eight colours that stay apart for the common forms of colour blindness. Each
 * series also gets a fill pattern (bars) or a marker and dash (lines), so that a chart printed
 * in black and white still tells its series apart.
 */
export const OKABE_ITO = [
  '#0072B2', // blue
  '#E69F00', // orange
  '#009E73', // bluish green
  '#CC79A7', // reddish purple
  '#56B4E9', // sky blue
  '#D55E00', // vermillion
  '#F0E442', // yellow
  '#000000', // black
] as const;

export type PatternShape =
  'solid' | 'diagonal' | 'dots' | 'horizontal' | 'cross' | 'vertical' | 'diagonal-left' | 'grid';

const SHAPES: readonly PatternShape[] = [
  'solid',
  'diagonal',
  'dots',
  'horizontal',
  'cross',
  'vertical',
  'diagonal-left',
  'grid',
];

const POINT_STYLES: readonly PointStyle[] = [
  'circle',
  'rect',
  'triangle',
  'rectRot',
  'star',
  'crossRot',
  'cross',
  'rectRounded',
];

const DASHES: readonly number[][] = [[], [6, 3], [2, 2], [10, 3, 2, 3]];

/** The look of the n-th series: colours cycle every 8, shapes shift so no pair repeats soon. */
export function seriesStyle(index: number): {
  color: string;
  shape: PatternShape;
  pointStyle: PointStyle;
  dash: number[];
} {
  const round = Math.floor(index / OKABE_ITO.length);
  return {
    color: OKABE_ITO[index % OKABE_ITO.length]!,
    shape: SHAPES[(index + round) % SHAPES.length]!,
    pointStyle: POINT_STYLES[(index + round) % POINT_STYLES.length]!,
    dash: DASHES[(index + round) % DASHES.length]!,
  };
}

const TILE = 10;
// Dark strokes over every colour (yellow included), so the pattern survives greyscale.
const INK = 'rgba(0, 0, 0, 0.7)';
const INK_ON_BLACK = 'rgba(255, 255, 255, 0.85)';
const patterns = new Map<string, CanvasPattern | string>();

/** A repeating fill of the colour with the shape drawn over it (drawn once, then reused). */
export function fillPattern(color: string, shape: PatternShape): CanvasPattern | string {
  const key = `${color}:${shape}`;
  const known = patterns.get(key);
  if (known) return known;
  const tile = document.createElement('canvas');
  tile.width = TILE;
  tile.height = TILE;
  const context = tile.getContext('2d');
  if (!context) return color;
  context.fillStyle = color;
  context.fillRect(0, 0, TILE, TILE);
  drawShape(context, shape, color === '#000000' ? INK_ON_BLACK : INK);
  const pattern = context.createPattern(tile, 'repeat') ?? color;
  patterns.set(key, pattern);
  return pattern;
}

/** The hatching of a suppressed cell's marker: grey diagonal lines on white. */
export function suppressedPattern(): CanvasPattern | string {
  const key = 'suppressed';
  const known = patterns.get(key);
  if (known) return known;
  const tile = document.createElement('canvas');
  tile.width = TILE;
  tile.height = TILE;
  const context = tile.getContext('2d');
  if (!context) return '#ffffff';
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, TILE, TILE);
  drawShape(context, 'cross', '#4b5967');
  const pattern = context.createPattern(tile, 'repeat') ?? '#ffffff';
  patterns.set(key, pattern);
  return pattern;
}

function drawShape(context: CanvasRenderingContext2D, shape: PatternShape, ink: string) {
  context.strokeStyle = ink;
  context.fillStyle = ink;
  context.lineWidth = 1.5;
  const line = (x1: number, y1: number, x2: number, y2: number) => {
    context.beginPath();
    context.moveTo(x1, y1);
    context.lineTo(x2, y2);
    context.stroke();
  };
  const diagonal = () => {
    line(0, TILE, TILE, 0);
    line(-TILE / 2, TILE / 2, TILE / 2, -TILE / 2);
    line(TILE / 2, TILE * 1.5, TILE * 1.5, TILE / 2);
  };
  const diagonalLeft = () => {
    line(0, 0, TILE, TILE);
    line(-TILE / 2, TILE / 2, TILE / 2, TILE * 1.5);
    line(TILE / 2, -TILE / 2, TILE * 1.5, TILE / 2);
  };
  switch (shape) {
    case 'solid':
      return;
    case 'diagonal':
      return diagonal();
    case 'diagonal-left':
      return diagonalLeft();
    case 'cross':
      diagonal();
      return diagonalLeft();
    case 'horizontal':
      return line(0, TILE / 2, TILE, TILE / 2);
    case 'vertical':
      return line(TILE / 2, 0, TILE / 2, TILE);
    case 'grid':
      line(0, TILE / 2, TILE, TILE / 2);
      return line(TILE / 2, 0, TILE / 2, TILE);
    case 'dots':
      context.beginPath();
      context.arc(TILE / 2, TILE / 2, 1.8, 0, Math.PI * 2);
      context.fill();
      return;
  }
}
