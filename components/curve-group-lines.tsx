import type { ReactElement } from "react";
import { Line } from "recharts";
import type { CurveGroup } from "@/lib/client/curve-groups";

/**
 * Recharts lines for grouped curves: one path per group and, for curves of
 * a single point, one set of dots. A function, not a component: LineChart
 * reads its Line children directly. The lines stay out of the tooltip,
 * which reads the chart's rows instead.
 */
export function groupLines(groups: readonly CurveGroup[]): ReactElement[] {
  return groups.flatMap((g) => {
    const { stroke, width, opacity, dash, dotRadius } = g.style;
    const lines: ReactElement[] = [];
    if (g.data.length > 0) {
      lines.push(
        <Line
          key={`${g.key}:path`}
          data={g.data}
          dataKey="value"
          type="linear"
          stroke={stroke}
          strokeWidth={width}
          strokeOpacity={opacity}
          strokeDasharray={dash}
          dot={false}
          activeDot={false}
          connectNulls={false}
          isAnimationActive={false}
          tooltipType="none"
          legendType="none"
          className="curve-group"
        />,
      );
    }
    if (g.dots.length > 0) {
      lines.push(
        <Line
          key={`${g.key}:dots`}
          data={g.dots}
          dataKey="value"
          stroke="none"
          dot={{ r: dotRadius, fill: stroke, stroke }}
          activeDot={false}
          isAnimationActive={false}
          tooltipType="none"
          legendType="none"
        />,
      );
    }
    return lines;
  });
}
