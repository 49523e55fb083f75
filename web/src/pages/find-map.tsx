import L from "leaflet";
import "leaflet/dist/leaflet.css";
import geohash from "ngeohash";
import { useEffect, useRef } from "preact/hooks";
import { useLocation } from "preact-iso";
import { api } from "../api/client.ts";
import type { PostCard } from "../api/types.ts";
import { city } from "../config.ts";
import { areaName, t } from "../i18n/index.ts";
import { Loading, Page, Problem } from "../ui/page.tsx";
import { PostSummary } from "../ui/post-bits.tsx";
import { errorText } from "../ui/problems.ts";
import { unwrap, useResource } from "../ui/resource.ts";
import { searchQuery } from "../ui/search.ts";

/**
 * The cell a post is shown in: the coarse cell the API gives for posts at someone's home, and the
 * same coarse cell around a chosen place. Never a point: the map cannot show where anyone lives.
 * A city-wide view groups them into cells of about 5 km (geohash 5), or the city's own cells if
 * those are coarser, so each square holds a count people can see.
 */
function cellOf(post: PostCard): string | undefined {
  const precision = Math.min(5, city().locationCellPrecision);
  if (post.where.type === "my-place" || post.where.type === "your-place")
    return post.where.cell?.slice(0, precision);
  if (post.where.type === "point")
    return geohash.encode(post.where.point.lat, post.where.point.lon, precision);
  return undefined;
}

function CellMap(props: { cells: Map<string, PostCard[]> }) {
  const box = useRef<HTMLElement>(null);
  useEffect(() => {
    if (!box.current) return;
    const { map: config } = city();
    const map = L.map(box.current, {
      zoomControl: false,
      attributionControl: config.tiles !== undefined,
      keyboardPanDelta: 60,
    });
    L.control.zoom({ zoomInTitle: t("map.zoomIn"), zoomOutTitle: t("map.zoomOut") }).addTo(map);
    const { south, west, north, east } = config.bounds;
    map.fitBounds([
      [south, west],
      [north, east],
    ]);
    if (config.tiles) {
      map.attributionControl.setPrefix(false);
      L.tileLayer(config.tiles.url, {
        attribution: config.tiles.attribution,
        maxZoom: config.tiles.maxZoom,
      }).addTo(map);
    }
    // The city's outline on a plain background when there are no tiles, on top of them otherwise.
    L.rectangle(
      [
        [south, west],
        [north, east],
      ],
      { color: "#1b1b1b", weight: 2, fill: false, interactive: false },
    ).addTo(map);
    for (const [cell, posts] of props.cells) {
      const [minLat, minLon, maxLat, maxLon] = geohash.decode_bbox(cell);
      L.rectangle(
        [
          [minLat, minLon],
          [maxLat, maxLon],
        ],
        { color: "#0b4f8a", weight: 2, fillOpacity: 0.35 },
      )
        .bindTooltip(String(posts.length), { permanent: true, direction: "center", className: "cell-count" })
        .addTo(map);
    }
    return () => {
      map.remove();
    };
  }, [props.cells]);
  return <section ref={box} class="map" aria-label={t("map.label", { city: city().name })} />;
}

/** Posts of a search drawn as coarse cells on a map, with the same posts listed by area below it. */
export default function FindMap() {
  const { query } = useLocation();
  const search = searchQuery(query);
  const key = JSON.stringify(search);
  const results = useResource(async () => {
    const items: PostCard[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 3; page++) {
      const data = unwrap(
        await api.GET("/posts", {
          params: { query: { ...search, limit: 50, ...(cursor ? { cursor } : {}) } },
        }),
      );
      items.push(...data.items);
      cursor = data.nextCursor;
      if (!cursor) break;
    }
    return items;
  }, [key]);
  const posts = results.data ?? [];
  const cells = new Map<string, PostCard[]>();
  const online: PostCard[] = [];
  for (const post of posts) {
    const cell = cellOf(post);
    if (cell) cells.set(cell, [...(cells.get(cell) ?? []), post]);
    else online.push(post);
  }
  const byArea = new Map<string, PostCard[]>();
  for (const post of posts) byArea.set(post.area, [...(byArea.get(post.area) ?? []), post]);
  const back = `/find${Object.keys(search).length ? `?${new URLSearchParams(query as Record<string, string>)}` : ""}`;
  return (
    <Page title={t("map.title")} lead={t("map.lead")}>
      <p>
        <a href={back}>{t("map.listLink")}</a>
      </p>
      {results.loading ? <Loading /> : null}
      {results.error ? <Problem message={errorText(results.error)} retry={results.reload} /> : null}
      {results.data ? <CellMap cells={cells} /> : null}
      {results.data ? <p>{t("map.summary", { cells: cells.size, online: online.length })}</p> : null}
      {[...byArea.entries()].map(([area, list]) => (
        <section key={area} aria-labelledby={`area-${area}`}>
          <h2 id={`area-${area}`}>{t("map.areaTitle", { area: areaName(area), count: list.length })}</h2>
          <ul class="items">
            {list.map((p) => (
              <li class="item" key={p.postId}>
                <PostSummary post={p} headingLevel={3} />
              </li>
            ))}
          </ul>
        </section>
      ))}
    </Page>
  );
}
