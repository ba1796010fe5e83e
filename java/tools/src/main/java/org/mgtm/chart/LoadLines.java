package org.mgtm.chart;

import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The load lines every run chart draws: transactions/s and failed transactions/s; {@code max} is the highest
 * transactions/s (at least 1), to scale marks by.
 */
public record LoadLines(XYSeries transactions, XYSeries errors, double max) {
    /** Adds both lines from per-second rows {@code {second, transactions, errors}}. */
    public static LoadLines add(XYChart chart, List<double[]> perSecond) {
        List<Double> xs = new ArrayList<>();
        List<Double> tps = new ArrayList<>();
        List<Double> errs = new ArrayList<>();
        double max = 1;
        for (double[] p : perSecond) {
            xs.add(p[0]);
            tps.add(p[1]);
            errs.add(p[2]);
            max = Math.max(max, p[1]);
        }
        if (xs.isEmpty()) {
            xs.add(0.0);
            tps.add(0.0);
            errs.add(0.0);
        }
        XYSeries t = chart.addSeries("transactions/s (both proxies)", xs, tps);
        t.setMarker(SeriesMarkers.NONE);
        XYSeries e = chart.addSeries("failed transactions/s", xs, errs);
        e.setMarker(SeriesMarkers.NONE);
        return new LoadLines(t, e, max);
    }
}
