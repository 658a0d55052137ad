"use client";
import type { StudySummary } from "@/lib/api/schemas";
import { Card } from "./card";
import { ContourChart } from "./contour-chart";
import { ParallelCoordinates } from "./parallel-coordinates";

/** The explore tab: parallel coordinates with brushing, and the fitted surface over two parameters. */
export function ExplorePanel({ study, live }: { study: StudySummary; live: boolean }) {
  return (
    <div className="space-y-6">
      <Card title="Parallel coordinates" subtitle={`one line per trial, coloured by its best ${study.metric}; drag along an axis to brush`} testId="parallel-card">
        <ParallelCoordinates study={study} live={live} />
      </Card>
      <Card title="Fitted surface" subtitle="two parameters, the trials' values smoothed over them" testId="contour-card">
        {study.space.length < 2 ? <p className="text-sm text-slate-500">This study has one parameter; the Correlations tab plots it against {study.metric}.</p> : <ContourChart study={study} live={live} />}
      </Card>
    </div>
  );
}
