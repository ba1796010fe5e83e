package org.mgtm.bench;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mgtm bench chart CSV -o PNG}: draws benchmarks/tps-clients.sh's (and real-xc-clients.sh's) results. */
@Command(name = "chart", mixinStandardHelpOptions = true,
        description = "Draws TPS against backends (PNG, a line per series) from a CSV with the columns series, "
                + "backends and tps, as benchmarks/tps-clients.sh writes it. Exit status 2: unreadable CSV.")
public final class ChartCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "CSV", description = "The points.")
    Path csv;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "PNG", description = "The chart to write.")
    Path png;

    @Option(names = "--title", defaultValue = "GTM throughput by number of backends",
            description = "Chart title (default: ${DEFAULT-VALUE}).")
    String title;

    @Option(names = "--x-title", defaultValue = TpsChart.BACKENDS,
            description = "The x axis's title (default: ${DEFAULT-VALUE}).")
    String xTitle;

    @Option(names = "--width", defaultValue = "1000", description = "Pixels (default: ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--height", defaultValue = "600", description = "Pixels (default: ${DEFAULT-VALUE}).")
    int height;

    @Option(names = "--log-x", description = "Logarithmic backends axis: spreads 1-10 apart from 16-64.")
    boolean logX;

    @Override
    public Integer call() {
        if (width < 200 || height < 150) {
            System.err.println("mgtm bench chart: the chart needs at least 200x150 pixels");
            return 2;
        }
        Map<String, List<TpsCsv.Point>> series;
        try {
            series = TpsCsv.read(csv);
        } catch (TpsCsv.FormatException e) {
            System.err.println("mgtm bench chart: " + e.getMessage());
            return 2;
        } catch (NoSuchFileException e) {
            System.err.println("mgtm bench chart: no such file " + csv);
            return 2;
        } catch (IOException e) {
            System.err.println("mgtm bench chart: cannot read " + csv + ": " + e.getMessage());
            return 2;
        }
        try {
            TpsChart.write(series, png, title, xTitle, width, height, logX);
        } catch (IOException e) {
            System.err.println("mgtm bench chart: cannot write " + png + ": " + e.getMessage());
            return 1;
        }
        int points = series.values().stream().mapToInt(List::size).sum();
        System.out.println("chart of " + series.size() + " series, " + points + " points written to " + png);
        return 0;
    }
}
