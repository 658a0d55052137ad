import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { CompareEmpty, CompareView } from "@/components/compare-view";
import { getComparison } from "@/db/compare";
import { compareIdsSchema } from "@/lib/api/compare-schema";

export const metadata: Metadata = { title: "Compare studies" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** Studies side by side (`/compare?ids=1,2,3`, or `ids` repeated as the studies list's form sends them). */
export default async function ComparePage({ searchParams }: Props) {
  await connection();
  const raw = (await searchParams).ids;
  const parsed = raw === undefined ? null : compareIdsSchema.safeParse(raw);
  // First paint gets the same aggregated series the page then polls: one point per improvement.
  const comparison = parsed?.success ? getComparison(parsed.data) : null;
  const found = comparison?.series ?? [];
  return (
    <div className="space-y-6">
      <div>
        <Link href="/" className="text-sm text-slate-500 hover:text-slate-900">
          ← Studies
        </Link>
        <h1 className="mt-2 text-2xl font-semibold tracking-tight">Compare studies</h1>
        <p className="mt-1 text-sm text-slate-600">Best value so far against the training spent, every study on one chart: which search gets there first.</p>
      </div>
      {parsed === null ? (
        <CompareEmpty />
      ) : !parsed.success ? (
        <CompareEmpty problem={`These ids do not name studies to compare: ${parsed.error.issues.map((i) => i.message).join("; ")}.`} />
      ) : found.length === 0 ? (
        <CompareEmpty problem={`No study with id ${parsed.data.join(", ")} exists.`} />
      ) : (
        <CompareView ids={found.map((s) => s.study.id)} initial={{ series: found }} missing={comparison!.missing} />
      )}
    </div>
  );
}
