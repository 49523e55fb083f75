import { signal } from "@preact/signals";
import { api } from "./api/client.ts";
import type { Answer } from "./api/types.ts";

export type MyOrganisation = Answer<"/me/organisations", "get">["items"][number];

/** The organisations the signed-in member runs as an admin (the menu shows them when there are any). */
export const myOrganisations = signal<MyOrganisation[]>([]);
let loadedFor = "";

/** Reads the signed-in member's organisations once per member (again when `force`). */
export async function loadMyOrganisations(memberId: string | undefined, force = false): Promise<void> {
  if (!memberId) {
    loadedFor = "";
    myOrganisations.value = [];
    return;
  }
  if (!force && loadedFor === memberId) return;
  loadedFor = memberId;
  const { data } = await api.GET("/me/organisations");
  myOrganisations.value = data?.items ?? [];
}
