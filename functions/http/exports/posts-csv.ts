import { toCsv } from "#domain/kernel/csv.ts";
import { exportPosts, postExportQuerySchema } from "#domain/posts/lifecycle.ts";
import { homeCellOfPost, type PostCard } from "#domain/posts/post.ts";
import { httpRoute } from "../route.ts";

/** Posts in my areas as CSV, for spreadsheets and funder reports (coordinators and admins). */
export const handler = httpRoute(
  {
    summary: "Export posts in my areas as CSV (coordinators)",
    auth: "member",
    staff: true,
    query: postExportQuerySchema,
    csv: true,
  },
  async ({ deps, actor, subject, query }) => {
    const rows = await exportPosts(deps, { actor, subject }, query);
    const csv = toCsv<PostCard>(
      [
        { header: "post_id", value: (p) => p.postId },
        { header: "kind", value: (p) => p.kind },
        { header: "status", value: (p) => p.status },
        { header: "category", value: (p) => p.category },
        { header: "title", value: (p) => p.title },
        { header: "tags", value: (p) => p.tags },
        { header: "area", value: (p) => p.area },
        { header: "owner_id", value: (p) => p.ownerId },
        { header: "where", value: (p) => p.where.type },
        // The coarse cell of a home-based post, as everywhere a home is involved.
        { header: "home_cell", value: (p) => homeCellOfPost(p, deps.city) },
        { header: "estimated_minutes", value: (p) => p.estimatedMinutes },
        { header: "capacity", value: (p) => p.capacity },
        { header: "sensitive", value: (p) => p.sensitive },
        { header: "created_at", value: (p) => p.createdAt },
        { header: "expires_at", value: (p) => p.expiresAt },
      ],
      rows,
    );
    return { body: csv };
  },
);
