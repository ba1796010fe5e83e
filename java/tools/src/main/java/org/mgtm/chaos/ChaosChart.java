package org.mgtm.chaos;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.mgtm.chart.LoadLines;

/**
 * The chaos run's PNG: transactions and errors per second over time, with each fault's window (from
 * when it was applied until it was healed and the group had a leader again) drawn as a box, one
 * colour per kind of fault.
 */
final class ChaosChart {
    private ChaosChart() {
    }

    static void write(Path png, List<double[]> perSecond, List<ChaosCommand.Applied> faults, String title)
            throws IOException {
        XYChart chart = new XYChartBuilder().width(1400).height(550).title(title).xAxisTitle("seconds")
                .yAxisTitle("per second").build();
        chart.getStyler().setLegendVisible(true);
        LoadLines load = LoadLines.add(chart, perSecond);
        double max = load.max();
        // One series per kind: a polyline along the x axis that rises into a box over each window.
        Map<String, List<double[]>> byKind = new LinkedHashMap<>();
        for (ChaosCommand.Applied a : faults) {
            String kind = a.fault().kind().text;
            byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(new double[] {a.startMs() / 1000.0,
                    Math.max(a.endMs(), a.startMs() + 200) / 1000.0});
        }
        double level = max * 1.05;
        double base = -max * 0.02; // just below the x axis, so the errors line at 0 stays visible
        double step = max * 0.03;
        for (Map.Entry<String, List<double[]>> k : byKind.entrySet()) {
            List<Double> bx = new ArrayList<>();
            List<Double> by = new ArrayList<>();
            for (double[] w : k.getValue()) {
                bx.add(w[0]);
                by.add(base);
                bx.add(w[0]);
                by.add(level);
                bx.add(w[1]);
                by.add(level);
                bx.add(w[1]);
                by.add(base);
            }
            XYSeries s = chart.addSeries(k.getKey() + " (" + k.getValue().size() + ")", bx, by);
            s.setMarker(SeriesMarkers.NONE);
            level += step;
        }
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

}
