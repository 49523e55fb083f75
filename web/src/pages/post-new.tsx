import { useLocation } from "preact-iso";
import { api } from "../api/client.ts";
import { t } from "../i18n/index.ts";
import { Page } from "../ui/page.tsx";
import { PostForm } from "../ui/post-form.tsx";

/** Offer help or ask for it. */
export default function NewPost() {
  const { route, query } = useLocation();
  return (
    <Page
      title={t("postForm.newTitle")}
      lead={query.welcome ? t("postForm.welcomeLead") : t("postForm.newLead")}
    >
      <PostForm
        submitLabel={t("postForm.publish")}
        onSubmit={async (body) => {
          const { data, error } = await api.POST("/posts", { body });
          if (data) route(`/posts/${data.postId}?published=1`);
          return error ? { error } : {};
        }}
      />
    </Page>
  );
}
