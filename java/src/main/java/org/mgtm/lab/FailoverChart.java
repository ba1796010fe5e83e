package org.mgtm.lab;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The demos' PNG: transactions per second over time, one line per series (both proxies together, or
 * each XC coordinator), with the leader kills marked.
 */
final class FailoverChart {
    private FailoverChart() {
    }

    /** series: a name and its {second, transactions} points, drawn in this order. */
    static void write(Path png, Map<String, List<double[]>> series, List<Double> killSeconds, String title)
            throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(450).title(title).xAxisTitle("seconds")
                .yAxisTitle("transactions/s").build();
        chart.getStyler().setLegendVisible(true);
        double max = 1;
        for (Map.Entry<String, List<double[]>> s : series.entrySet()) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (double[] point : s.getValue()) {
                xs.add(point[0]);
                ys.add(point[1]);
                max = Math.max(max, point[1]);
            }
            if (xs.isEmpty()) { // XChart refuses a series without points
                xs.add(0.0);
                ys.add(0.0);
            }
            chart.addSeries(s.getKey(), xs, ys).setMarker(SeriesMarkers.NONE);
        }
        int n = 1;
        for (double kill : killSeconds) {
            XYSeries marker = chart.addSeries("leader killed (" + n++ + ")", List.of(kill, kill), List.of(0.0, max));
            marker.setMarker(SeriesMarkers.NONE);
        }
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
