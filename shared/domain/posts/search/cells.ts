import geohash from "ngeohash";
import { distanceMetres, type Point } from "#domain/kernel/geo.ts";

/** Geohash length of the index partitions: about 4.9 km x 3.1 km at 50 degrees north. */
export const PARTITION_PRECISION = 5;
/** Geohash length stored in the place sort key; any finer cell of a partition is one key range. */
export const POSITION_PRECISION = 9;
/** Cells are never split below 35 bits (a 7-character geohash, about 150 m x 100 m). */
export const MAX_EXTRA_BITS = 10;
/**
 * A cell is halved while its diagonal exceeds this many times its distance from the centre.
 * Measured on a 5 km circle: ratio 1 gives 143 cells, 2 gives 63, 3 gives 52; 2 keeps the
 * distance order within a factor of about 3 for far cells and exact to ~150 m near the centre.
 */
const SPLIT_RATIO = 2;

const ALPHABET = "0123456789bcdefghjkmnpqrstuvwxyz";

export interface Box {
  south: number;
  west: number;
  north: number;
  east: number;
}

/**
 * A rectangle of the geohash grid inside one partition: the partition's 5-character hash plus
 * `bits` more bits of interleaved longitude/latitude. It is always one contiguous range of the
 * place sort key, because geohash order is Z-order.
 */
export interface Cell {
  partition: string;
  bits: number;
  /** The extra bits, most significant first. */
  value: number;
  box: Box;
  /** Shortest distance from the search point to any point of the cell, in metres. */
  minDistance: number;
}

/** The inclusive sort-key bounds of a cell (undefined: the whole partition). */
export interface CellRange {
  from: string;
  to: string;
}

/** Shortest distance in metres from a point to a rectangle (0 inside it). */
export function distanceToBox(point: Point, box: Box): number {
  const lat = Math.min(Math.max(point.lat, box.south), box.north);
  const lon = Math.min(Math.max(point.lon, box.west), box.east);
  return distanceMetres(point, { lat, lon });
}

function diagonal(box: Box): number {
  return distanceMetres({ lat: box.south, lon: box.west }, { lat: box.north, lon: box.east });
}

function boxOf(hash: string): Box {
  const [south, west, north, east] = geohash.decode_bbox(hash);
  return { south, west, north, east };
}

/** The two halves of a cell; the next geohash bit is longitude at even positions, latitude at odd. */
function split(cell: Cell, point: Point): [Cell, Cell] {
  const bitIndex = PARTITION_PRECISION * 5 + cell.bits;
  const { box } = cell;
  const halves: [Box, Box] =
    bitIndex % 2 === 0
      ? [
          { ...box, east: (box.west + box.east) / 2 },
          { ...box, west: (box.west + box.east) / 2 },
        ]
      : [
          { ...box, north: (box.south + box.north) / 2 },
          { ...box, south: (box.south + box.north) / 2 },
        ];
  const child = (bit: number, half: Box): Cell => ({
    partition: cell.partition,
    bits: cell.bits + 1,
    value: cell.value * 2 + bit,
    box: half,
    minDistance: distanceToBox(point, half),
  });
  return [child(0, halves[0]), child(1, halves[1])];
}

/**
 * The cells that cover a circle, nearest first. A cell is halved while it is large for its
 * distance from the centre, so cells near the centre are small (fine distance order where it is
 * noticed) and far ones large (few key ranges to read where the order matters less): the order
 * error stays proportional to the distance.
 */
export function coverCircle(centre: Point, radiusMetres: number, maxExtraBits = MAX_EXTRA_BITS): Cell[] {
  const dLat = radiusMetres / 111_320;
  const dLon = radiusMetres / (111_320 * Math.max(0.01, Math.cos((centre.lat * Math.PI) / 180)));
  const start = geohash.bboxes(
    centre.lat - dLat,
    centre.lon - dLon,
    centre.lat + dLat,
    centre.lon + dLon,
    PARTITION_PRECISION,
  );
  const pending: Cell[] = start.map((partition) => {
    const box = boxOf(partition);
    return { partition, bits: 0, value: 0, box, minDistance: distanceToBox(centre, box) };
  });
  const cells: Cell[] = [];
  for (let cell = pending.pop(); cell; cell = pending.pop()) {
    if (cell.minDistance > radiusMetres) continue;
    if (cell.bits < maxExtraBits && diagonal(cell.box) > SPLIT_RATIO * cell.minDistance)
      pending.push(...split(cell, centre));
    else cells.push(cell);
  }
  return cells.sort(
    (a, b) =>
      a.minDistance - b.minDistance ||
      a.partition.localeCompare(b.partition) ||
      a.bits - b.bits ||
      a.value - b.value,
  );
}

/** The sort-key range of a cell within its partition, or undefined for a whole partition. */
export function cellRange(cell: Cell): CellRange | undefined {
  if (cell.bits === 0) return undefined;
  const fullChars = Math.floor(cell.bits / 5);
  const partialBits = cell.bits % 5;
  let prefix = cell.partition;
  for (let i = 0; i < fullChars; i++) {
    const shift = cell.bits - 5 * (i + 1);
    prefix += ALPHABET[Math.floor(cell.value / 2 ** shift) % 32];
  }
  if (partialBits === 0) return { from: prefix, to: `${prefix}~` };
  const partial = cell.value % 2 ** partialBits;
  const low = partial * 2 ** (5 - partialBits);
  const high = low + 2 ** (5 - partialBits) - 1;
  // The alphabet is in ASCII order and "~" sorts after every geohash character and "#".
  return { from: `${prefix}${ALPHABET[low]}`, to: `${prefix}${ALPHABET[high]}~` };
}

/** The geohash stored in the place sort key (and its first 5 characters: the partition). */
export function positionHash(point: Point): string {
  return geohash.encode(point.lat, point.lon, POSITION_PRECISION);
}

/**
 * The centre of the coarse cell around a point: what a home-based post stores and measures
 * distance from, so no answer (not even a distance) can reveal the exact home.
 */
export function coarsePoint(point: Point, precision: number): Point {
  const centre = geohash.decode(geohash.encode(point.lat, point.lon, precision));
  return { lat: round(centre.latitude), lon: round(centre.longitude) };
}

/** The coarse cell shown for a home-based post. */
export function coarseCell(point: Point, precision: number): string {
  return geohash.encode(point.lat, point.lon, precision);
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
