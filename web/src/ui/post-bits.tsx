import type { PostCard } from "../api/types.ts";
import { formatDate, formatDistance, formatDuration } from "../i18n/format.ts";
import { areaName, categoryName, t } from "../i18n/index.ts";
import { describeWindows } from "./availability.tsx";

type Where = PostCard["where"];
type When = PostCard["availability"];

/** "Offer" or "Request" in words, marked by a symbol too (never by colour alone). */
export function KindTag(props: { kind: "offer" | "request" }) {
  return (
    <span class={`tag ${props.kind}`}>
      {t(props.kind === "offer" ? "post.kindOffer" : "post.kindRequest")}
    </span>
  );
}

/** Where, said from the reader's side: "at their place" to others is "at your place" to the owner. */
export function whereText(where: Where, area: string, mine = false): string {
  switch (where.type) {
    case "online":
      return t("post.whereOnline");
    case "my-place":
      return mine
        ? t("post.whereMyHome", { area: areaName(area) })
        : t("post.whereOwnerPlace", { area: areaName(area) });
    case "your-place":
      return mine ? t("post.whereOtherHome") : t("post.whereYourPlace", { area: areaName(area) });
    case "point":
      return t("post.wherePoint", { area: areaName(area) });
  }
}

export function whenText(when: When): string {
  if (!when) return t("post.whenAny");
  if (when.type === "weekly") return describeWindows(when.windows);
  return t("post.whenDates", { from: formatDate(when.from), to: formatDate(when.to) });
}

export function statusText(status: PostCard["status"]): string {
  return t(`postStatus.${status}`);
}

/** One post in a list: what, who wants it, how long, where; the title is a link, shown as typed. */
export function PostSummary(props: { post: PostCard; headingLevel?: 2 | 3; mine?: boolean }) {
  const p = props.post;
  const Heading = props.headingLevel === 3 ? "h3" : "h2";
  return (
    <>
      <Heading>
        <a href={`/posts/${p.postId}`} class="user-text">
          {p.title}
        </a>
      </Heading>
      <p>
        <KindTag kind={p.kind} /> {categoryName(p.category)} · {formatDuration(p.estimatedMinutes)}
      </p>
      <p class="meta">
        {whereText(p.where, p.area, props.mine)}
        {p.distanceKm !== undefined
          ? ` · ${t("post.distance", { distance: formatDistance(p.distanceKm) })}`
          : ""}
      </p>
    </>
  );
}
