package org.mgtm.chart;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The failover PNG of the lab demos and the failover benchmark: transactions (and failed transactions) per
 * second, or one line per series (each XC coordinator), with a vertical line at each leader kill labelled by
 * its number and (where measured) its pause. Lines rather than the chaos chart's fault windows, because here
 * the instant of the kill is what the pause is measured from.
 */
public final class FailoverChart {
    /** One leader kill: its number, when (seconds since the load started), and its label (#n, pause). */
    public record Kill(int number, double atSeconds, String label) {
    }

    /** A measured failover pause: from when no transaction completed, and for how long (seconds). */
    public record Pause(double fromSeconds, double seconds) {
    }

    private static final String DEFAULT_X_AXIS = "seconds since the load started";
    private static final Color PAUSE_FILL = new Color(255, 0, 0, 70);

    private FailoverChart() {
    }

    /** perSecond: {second, transactions, failed transactions}. */
    public static void write(Path png, List<double[]> perSecond, List<Kill> kills, String title) throws IOException {
        XYChart chart = newChart(title);
        LoadLines load = LoadLines.add(chart, perSecond);
        load.transactions().setLineColor(new Color(0x1f, 0x77, 0xb4));
        load.errors().setLineColor(new Color(0xff, 0x7f, 0x0e));
        finish(chart, png, load.max(), perSecond, kills, List.of());
    }

    /** series: a name and its {second, transactions} points, one line each, drawn in this order. */
    public static void write(Path png, Map<String, List<double[]>> series, List<Kill> kills, String title)
            throws IOException {
        write(png, series, kills, List.of(), title, DEFAULT_X_AXIS);
    }

    /**
     * As {@link #write(Path, Map, List, String)}, with each measured pause drawn as a shaded band labelled
     * with its length, and the x axis titled {@code xAxisTitle} (say where the clock started).
     */
    public static void write(Path png, Map<String, List<double[]>> series, List<Kill> kills, List<Pause> pauses,
                             String title, String xAxisTitle) throws IOException {
        XYChart chart = newChart(title, xAxisTitle);
        double max = 1;
        List<double[]> longest = List.of();
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
            longest = s.getValue().size() > longest.size() ? s.getValue() : longest;
        }
        finish(chart, png, max, longest, kills, pauses);
    }

    private static XYChart newChart(String title) {
        return newChart(title, DEFAULT_X_AXIS);
    }

    private static XYChart newChart(String title, String xAxisTitle) {
        return new XYChartBuilder().width(1400).height(550).title(title).xAxisTitle(xAxisTitle)
                .yAxisTitle("per second").build();
    }

    /** Each pause as a translucent band over the plot's height (one legend entry), its length written above it. */
    private static void addPauses(XYChart chart, double max, List<Pause> pauses) {
        if (pauses.isEmpty()) {
            return;
        }
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (Pause p : pauses) {
            double to = p.fromSeconds() + Math.max(p.seconds(), 0.05);
            xs.addAll(List.of(p.fromSeconds(), p.fromSeconds(), to, to));
            ys.addAll(List.of(0.0, max * 1.05, max * 1.05, 0.0));
            chart.addAnnotation(new AnnotationText(String.format(Locale.ROOT, "pause %.1f s", p.seconds()),
                    to + 0.2, max * 1.11, false));
        }
        XYSeries band = chart.addSeries("failover pause: no transaction completed", xs, ys);
        band.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
        band.setMarker(SeriesMarkers.NONE);
        band.setFillColor(PAUSE_FILL);
        band.setLineColor(PAUSE_FILL);
    }

    /** The kill lines and labels, the axes, the legend below the plot; then the PNG. */
    private static void finish(XYChart chart, Path png, double max, List<double[]> points, List<Kill> kills,
                               List<Pause> pauses) throws IOException {
        addPauses(chart, max, pauses);
        // A legend entry for the kill lines (annotations have none), drawn below the plot. Its x of 0.5
        // also makes the x values unevenly spaced: XChart would otherwise put a tick on every few data
        // points (every 7 s over 320 s) instead of round numbers.
        boolean paused = kills.stream().anyMatch(kill -> !kill.label().matches("#\\d+"));
        String legend = !pauses.isEmpty() ? "kill -9 of the leader" : "kill -9 of the leader (#n" + (paused ? ", its pause)" : ")");
        XYSeries k = chart.addSeries(legend, List.of(0.5), List.of(-max));
        k.setMarker(SeriesMarkers.NONE);
        k.setLineColor(Color.RED);
        chart.getStyler().setYAxisMin(0.0).setYAxisMax(max * 1.25).setXAxisMin(0.0)
                .setXAxisMax(Math.max(1, points.isEmpty() ? 0 : points.get(points.size() - 1)[0]))
                .setAnnotationLineColor(Color.RED)
                .setAnnotationLineStroke(new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                        new float[] {4f, 3f}, 0f))
                .setAnnotationTextFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11))
                .setAnnotationTextFontColor(Color.RED);
        // Below the plot: inside, it would cover the first seconds or the kill labels at the top.
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS).setLegendLayout(Styler.LegendLayout.Horizontal);
        for (int i = 0; i < kills.size(); i++) {
            Kill kill = kills.get(i);
            chart.addAnnotation(new AnnotationLine(kill.atSeconds(), true, false));
            // Two rows of labels, alternating, so neighbouring kills' labels do not run into each other; with
            // pauses the second row is theirs.
            double y = max * (i % 2 == 0 || !pauses.isEmpty() ? 1.19 : 1.11);
            chart.addAnnotation(new AnnotationText(kill.label(), kill.atSeconds(), y, false));
        }
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /** Kills labelled by their number only ("#1", ...), at the given seconds. */
    public static List<Kill> numbered(List<Double> killSeconds) {
        List<Kill> kills = new ArrayList<>();
        for (int i = 0; i < killSeconds.size(); i++) {
            kills.add(new Kill(i + 1, killSeconds.get(i), "#" + (i + 1)));
        }
        return kills;
    }
}
