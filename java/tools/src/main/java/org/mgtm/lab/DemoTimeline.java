package org.mgtm.lab;

import java.util.ArrayList;
import java.util.List;
import org.mgtm.chart.FailoverChart;

/**
 * What the demo measured, sample by sample: the transactions completed so far at each sample (sample 0
 * is when the clock started, after the warm-up), and the kills. From it come the failover pauses (the
 * longest stretch without a completed transaction after each kill, before the next one) and the chart's
 * rate line.
 */
final class DemoTimeline {
    private final long sampleMillis;
    private final List<Long> completions = new ArrayList<>();
    private final List<Double> kills = new ArrayList<>();

    DemoTimeline(long sampleMillis, long completedAtStart) {
        this.sampleMillis = sampleMillis;
        completions.add(completedAtStart);
    }

    /** The next sample: transactions completed so far. */
    void sample(long completed) {
        completions.add(completed);
    }

    void kill(double atSeconds) {
        kills.add(atSeconds);
    }

    List<Double> kills() {
        return kills;
    }

    double seconds(int sample) {
        return sample * sampleMillis / 1000.0;
    }

    /** Transactions completed since the clock started. */
    long transactions() {
        return completions.get(completions.size() - 1) - completions.get(0);
    }

    /**
     * For each kill, the longest stretch of samples without progress from the kill until the next kill (or
     * the end): when the service stopped and for how long.
     */
    List<FailoverChart.Pause> pauses() {
        List<FailoverChart.Pause> pauses = new ArrayList<>();
        for (int k = 0; k < kills.size(); k++) {
            int from = Math.max(1, (int) Math.round(kills.get(k) * 1000 / sampleMillis) - 1);
            int to = k + 1 < kills.size() ? (int) Math.round(kills.get(k + 1) * 1000 / sampleMillis)
                    : completions.size();
            int bestStart = -1;
            int best = 0;
            int run = 0;
            for (int i = from; i < Math.min(to, completions.size()); i++) {
                if (completions.get(i).equals(completions.get(i - 1))) {
                    run++;
                    if (run > best) {
                        best = run;
                        bestStart = i - run;
                    }
                } else {
                    run = 0;
                }
            }
            pauses.add(new FailoverChart.Pause(bestStart < 0 ? kills.get(k) : seconds(bestStart), best * sampleMillis / 1000.0));
        }
        return pauses;
    }

    /** The longest pause after any kill, in seconds (0 without kills). */
    double longestPause() {
        return pauses().stream().mapToDouble(FailoverChart.Pause::seconds).max().orElse(0);
    }

    /**
     * Transactions per second over windows of {@code windowSamples} samples: {end of the window in seconds,
     * rate}. Windows shorter than a second show a pause as a dip to zero, which a per-second line hides.
     */
    List<double[]> rate(int windowSamples) {
        List<double[]> points = new ArrayList<>();
        double windowSeconds = windowSamples * sampleMillis / 1000.0;
        for (int i = windowSamples; i < completions.size(); i += windowSamples) {
            points.add(new double[] {seconds(i), (completions.get(i) - completions.get(i - windowSamples)) / windowSeconds});
        }
        return points;
    }
}
