import type { Point } from "#domain/kernel/geo.ts";
import type { City } from "#shared/config/city.ts";
import type { Draws } from "./random.ts";

/**
 * Where members of a synthetic city live. Homes cluster: most near the centre, the rest around a
 * few neighbourhood centres. Creating it draws the six neighbourhood centres (twelve draws), so
 * a bench creates it where those draws belong in its sequence.
 */
export function syntheticCity(
  map: Pick<City["map"], "bounds" | "centre">,
  { random, pick, gaussian }: Draws,
) {
  const { bounds, centre } = map;
  const neighbourhoods: Point[] = Array.from({ length: 6 }, () => ({
    lat: bounds.south + 0.15 * (bounds.north - bounds.south) + random() * 0.7 * (bounds.north - bounds.south),
    lon: bounds.west + 0.15 * (bounds.east - bounds.west) + random() * 0.7 * (bounds.east - bounds.west),
  }));
  /** A point about `sigmaMetres` from `from` (normal in each axis), redrawn until inside the city. */
  function offsetMetres(from: Point, sigmaMetres: number): Point {
    for (;;) {
      const lat = from.lat + (gaussian() * sigmaMetres) / 111_320;
      const lon = from.lon + (gaussian() * sigmaMetres) / (111_320 * Math.cos((from.lat * Math.PI) / 180));
      if (lat > bounds.south && lat < bounds.north && lon > bounds.west && lon < bounds.east) {
        return { lat: Math.round(lat * 1e6) / 1e6, lon: Math.round(lon * 1e6) / 1e6 };
      }
    }
  }
  function homePoint(): Point {
    return random() < 0.7 ? offsetMetres(centre, 2500) : offsetMetres(pick(neighbourhoods), 1000);
  }
  /** The example city's area for a point: the old town around the centre, three quarters beyond. */
  function areaOf(point: Point): string {
    if (Math.abs(point.lat - centre.lat) < 0.012 && Math.abs(point.lon - centre.lon) < 0.02)
      return "old-town";
    return point.lat >= centre.lat ? "north-park" : point.lon >= centre.lon ? "hillcrest" : "canal-side";
  }
  return { neighbourhoods, offsetMetres, homePoint, areaOf };
}
