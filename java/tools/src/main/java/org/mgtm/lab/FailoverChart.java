package org.mgtm.lab;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The demo's PNG: transactions per second over time, with the leader kill marked. */
final class FailoverChart {
    private FailoverChart() {
    }

    static void write(Path png, List<double[]> tpsBySecond, List<Double> killSeconds, String title) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(450).title(title).xAxisTitle("seconds")
                .yAxisTitle("transactions/s").build();
        chart.getStyler().setLegendVisible(true);
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        double max = 1;
        for (double[] point : tpsBySecond) {
            xs.add(point[0]);
            ys.add(point[1]);
            max = Math.max(max, point[1]);
        }
        XYSeries tps = chart.addSeries("transactions/s (both proxies)", xs, ys);
        tps.setMarker(SeriesMarkers.NONE);
        int n = 1;
        for (double kill : killSeconds) {
            XYSeries marker = chart.addSeries("leader killed (" + n++ + ")", List.of(kill, kill), List.of(0.0, max));
            marker.setMarker(SeriesMarkers.NONE);
        }
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
