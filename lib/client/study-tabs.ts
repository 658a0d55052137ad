/** The study page's tabs, in order; a plain module so the server page can read them too. */
export const STUDY_TABS = ["overview", "correlations", "explore", "subspace", "race", "trials"] as const;
export type StudyTab = (typeof STUDY_TABS)[number];

/** The tab named by a `?tab=` search parameter, or the overview. */
export function parseTab(raw: string | string[] | undefined): StudyTab {
  return STUDY_TABS.find((t) => t === raw) ?? "overview";
}
