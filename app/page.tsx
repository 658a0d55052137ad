import Link from "next/link";
import { connection } from "next/server";
import { StudiesTable } from "@/components/studies-table";
import { listStudies } from "@/db/queries";

export default async function StudiesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await connection();
  const studies = listStudies();
  const tag = (await searchParams).tag;
  return (
    <div className="space-y-6">
      <div className="flex items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Studies</h1>
          <p className="mt-1 text-sm text-slate-600">Every search, its best value so far and how much of its budget it has spent.</p>
        </div>
        {studies.length > 0 && (
          <Link href="/studies/new" className="text-sm font-medium text-indigo-600 hover:text-indigo-500">
            Launch a study →
          </Link>
        )}
      </div>
      <StudiesTable initialStudies={studies} initialTag={typeof tag === "string" && tag !== "" ? tag : null} />
    </div>
  );
}
