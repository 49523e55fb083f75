import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { distanceMetres } from "#domain/kernel/geo.ts";
import {
  cellRange,
  coarseCell,
  coarsePoint,
  coverCircle,
  distanceToBox,
  positionHash,
} from "#domain/posts/search/cells.ts";

const CENTRE = { lat: 50.8503, lon: 4.3517 };

/** A point `metres` from a centre on a bearing. */
function offset(centre: { lat: number; lon: number }, metres: number, bearing: number) {
  const b = (bearing * Math.PI) / 180;
  return {
    lat: centre.lat + (metres * Math.cos(b)) / 111_320,
    lon: centre.lon + (metres * Math.sin(b)) / (111_320 * Math.cos((centre.lat * Math.PI) / 180)),
  };
}

function inBox(
  point: { lat: number; lon: number },
  box: { south: number; west: number; north: number; east: number },
) {
  return point.lat >= box.south && point.lat < box.north && point.lon >= box.west && point.lon < box.east;
}

describe("covering a circle with cells", () => {
  it("puts every point of the circle in exactly one cell, whose key range holds its position", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 10_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 360, noNaN: true }),
        (radius, fraction, bearing) => {
          const cells = coverCircle(CENTRE, radius);
          const point = offset(CENTRE, radius * fraction * 0.999, bearing);
          const holding = cells.filter((c) => inBox(point, c.box));
          expect(holding).toHaveLength(1);
          const cell = holding[0];
          if (!cell) return;
          const position = `${positionHash(point)}#01ABCDEFGHJKMNPQRSTVWXYZ01`;
          expect(position.startsWith(cell.partition)).toBe(true);
          const range = cellRange(cell);
          if (range) {
            expect(position >= range.from && position <= range.to).toBe(true);
          }
          // No other cell of the same partition claims the position.
          const claimed = cells.filter((c) => {
            const r = cellRange(c);
            return c.partition === cell.partition && (!r || (position >= r.from && position <= r.to));
          });
          expect(claimed).toHaveLength(1);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("orders cells nearest first, small near the centre and larger further out", () => {
    const cells = coverCircle(CENTRE, 5000);
    const distances = cells.map((c) => c.minDistance);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    expect(cells[0]?.minDistance).toBe(0);
    expect(cells[0]?.bits).toBe(10);
    expect(Math.min(...cells.slice(-5).map((c) => c.bits))).toBeLessThan(5);
    for (const cell of cells) expect(cell.minDistance).toBeLessThanOrEqual(5000);
    // Measured: about 60 key ranges cover 5 km; the count grows slowly with the radius.
    expect(cells.length).toBeLessThan(100);
    expect(coverCircle(CENTRE, 10_000).length).toBeLessThan(150);
  });

  it("gives whole partitions no range and partial cells inclusive bounds", () => {
    const whole = {
      partition: "u1517",
      bits: 0,
      value: 0,
      box: { south: 0, west: 0, north: 0, east: 0 },
      minDistance: 0,
    };
    expect(cellRange(whole)).toBeUndefined();
    expect(cellRange({ ...whole, bits: 5, value: 31 })).toEqual({ from: "u1517z", to: "u1517z~" });
    // 3 bits of value 0b101: characters 20..23 of the alphabet ("n".."r").
    expect(cellRange({ ...whole, bits: 3, value: 5 })).toEqual({ from: "u1517n", to: "u1517r~" });
  });

  it("measures the distance to a box as zero inside and to the nearest edge outside", () => {
    const box = { south: 50.84, west: 4.34, north: 50.86, east: 4.36 };
    expect(distanceToBox(CENTRE, box)).toBe(0);
    const outside = { lat: 50.87, lon: 4.35 };
    expect(distanceToBox(outside, box)).toBeCloseTo(distanceMetres(outside, { lat: 50.86, lon: 4.35 }), 6);
  });
});

describe("coarse places", () => {
  it("moves a home to its cell centre, inside the same cell", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 50.76, max: 50.92, noNaN: true }),
        fc.double({ min: 4.24, max: 4.48, noNaN: true }),
        fc.integer({ min: 4, max: 7 }),
        (lat, lon, precision) => {
          const centre = coarsePoint({ lat, lon }, precision);
          expect(coarseCell(centre, precision)).toBe(coarseCell({ lat, lon }, precision));
        },
      ),
    );
  });
});
