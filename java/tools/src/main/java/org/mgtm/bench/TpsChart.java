package org.mgtm.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;

/**
 * TPS against the number of backends, one line per series, as the Postgres-XC GTM study drew it. The
 * legend sits under the plot so that no series, however high it climbs, is hidden behind it. Also
 * draws the real-XC benchmark's TPS against pgbench clients per coordinator (org.mgtm.lab), hence
 * public and with the x axis named by the caller.
 */
public final class TpsChart {
    /** The x axis of the GTM-level benchmarks. */
    public static final String BACKENDS = "backends";

    private TpsChart() {
    }

    public static void write(Map<String, List<TpsCsv.Point>> series, Path png, String title, String xAxisTitle,
                             int width, int height, boolean logX) throws IOException {
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(xAxisTitle)
                .yAxisTitle("transactions/s").build();
        XYStyler style = chart.getStyler();
        style.setLegendVisible(true);
        style.setLegendPosition(Styler.LegendPosition.OutsideS);
        style.setLegendLayout(Styler.LegendLayout.Horizontal);
        style.setMarkerSize(7);
        style.setYAxisMin(0.0);
        style.setYAxisDecimalPattern("#,##0");
        style.setXAxisDecimalPattern("0");
        if (logX) {
            style.setXAxisLogarithmic(true);
        } else {
            style.setXAxisMin(0.0);
        }
        for (Map.Entry<String, List<TpsCsv.Point>> s : series.entrySet()) {
            List<Double> xs = s.getValue().stream().map(p -> (double) p.backends()).toList();
            List<Double> ys = s.getValue().stream().map(TpsCsv.Point::tps).toList();
            chart.addSeries(s.getKey(), xs, ys);
        }
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        // The stream form: saveBitmap(chart, name, ...) would append ".png" to a name without it.
        try (OutputStream out = Files.newOutputStream(png)) {
            BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
        }
    }
}
