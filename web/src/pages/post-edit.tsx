import { useLocation, useRoute } from "preact-iso";
import { api } from "../api/client.ts";
import { t } from "../i18n/index.ts";
import { Loading, Page, Problem } from "../ui/page.tsx";
import { PostForm } from "../ui/post-form.tsx";
import { errorText } from "../ui/problems.ts";
import { unwrap, useResource } from "../ui/resource.ts";

/** Change a post; what is sent replaces what was there (availability cleared when "any time"). */
export default function EditPost() {
  const { params } = useRoute();
  const { route } = useLocation();
  const postId = params.postId ?? "";
  const post = useResource(
    async () => unwrap(await api.GET("/posts/{postId}", { params: { path: { postId } } })),
    [postId],
  );
  return (
    <Page title={t("postForm.editTitle")}>
      {post.loading ? <Loading /> : null}
      {post.error ? <Problem message={errorText(post.error)} retry={post.reload} /> : null}
      {post.data ? (
        <PostForm
          post={post.data}
          submitLabel={t("common.save")}
          onSubmit={async (body) => {
            const { kind: _kind, ...changes } = body;
            const { data, error } = await api.PATCH("/posts/{postId}", {
              params: { path: { postId } },
              body: { ...changes, ...(changes.availability ? {} : { availability: null }) },
            });
            if (data) route(`/posts/${postId}?saved=1`);
            return error ? { error } : {};
          }}
        />
      ) : null}
    </Page>
  );
}
