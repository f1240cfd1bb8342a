package dev.loomftp.bench;

import dev.loomftp.bench.BenchServer.Kind;
import dev.loomftp.bench.ServerBenchmark.Measure;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark's chart, as SVG with no library: small-file throughput against clients, and the
 * server's memory against idle sessions, a line a server.
 */
final class Chart {
    private static final int WIDTH = 460;
    private static final int HEIGHT = 300;
    private static final int MARGIN = 60;
    private static final String[] COLOURS = {"#1b9e77", "#d95f02", "#7570b3", "#e7298a"};

    private Chart() {}

    static String svg(List<Kind> kinds, List<Integer> clients, List<Integer> sessions,
            Map<Kind, Map<String, Measure>> measures) {
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\""
                        + " font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n",
                2 * WIDTH, HEIGHT + 40));
        List<String> clientLabels = clients.stream().map(String::valueOf).toList();
        List<String> sessionLabels = new ArrayList<>(List.of("0"));
        sessions.forEach(count -> sessionLabels.add(String.valueOf(count)));
        panel(svg, 0, "64 KiB downloads, files/s, against clients", clientLabels, kinds, kind -> clients.stream()
                .map(count -> value(measures, kind, count + " small")).toList());
        panel(svg, WIDTH, "server memory (PSS), MiB, against idle sessions", sessionLabels, kinds, kind -> {
            List<Double> points = new ArrayList<>();
            points.add(value(measures, kind, "memory at start"));
            sessions.forEach(count -> points.add(value(measures, kind, "idle serverKibAt" + count) / 1024));
            return points;
        });
        for (int i = 0; i < kinds.size(); i++) {
            int x = MARGIN + i * 200;
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"4\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\">%s</text>%n", x, HEIGHT + 20, COLOURS[i % COLOURS.length], x + 20,
                    HEIGHT + 25, kinds.get(i).label));
        }
        return svg.append("</svg>\n").toString();
    }

    private static double value(Map<Kind, Map<String, Measure>> measures, Kind kind, String key) {
        Measure measure = measures.get(kind).get(key);
        return measure == null ? Double.NaN : measure.value();
    }

    @FunctionalInterface
    private interface Series {
        List<Double> of(Kind kind);
    }

    private static void panel(StringBuilder svg, int left, String title, List<String> labels, List<Kind> kinds,
            Series series) {
        double top = kinds.stream().flatMap(kind -> series.of(kind).stream()).filter(v -> !v.isNaN())
                .mapToDouble(Double::doubleValue).max().orElse(1) * 1.1;
        int plotWidth = WIDTH - 2 * MARGIN;
        int plotHeight = HEIGHT - 2 * MARGIN;
        int x0 = left + MARGIN;
        int y0 = HEIGHT - MARGIN;
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"24\" font-weight=\"bold\">%s</text>%n", x0, title));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>"
                + "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
                x0, y0, x0 + plotWidth, y0, x0, y0, x0, y0 - plotHeight));
        for (int tick = 0; tick <= 4; tick++) {
            double value = top * tick / 4;
            int y = y0 - plotHeight * tick / 4;
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.0f</text>%n",
                    x0 - 6, y + 4, value));
        }
        for (int i = 0; i < labels.size(); i++) {
            svg.append(String.format(Locale.ROOT, "<text x=\"%.0f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    x(x0, plotWidth, i, labels.size()), y0 + 18, labels.get(i)));
        }
        for (int k = 0; k < kinds.size(); k++) {
            List<Double> values = series.of(kinds.get(k));
            StringBuilder points = new StringBuilder();
            for (int i = 0; i < values.size(); i++) {
                if (!values.get(i).isNaN()) {
                    points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(x0, plotWidth, i, values.size()),
                            y0 - plotHeight * values.get(i) / top));
                }
            }
            svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\""
                    + " points=\"%s\"/>%n", COLOURS[k % COLOURS.length], points.toString().strip()));
        }
    }

    private static double x(int x0, int plotWidth, int index, int count) {
        return count == 1 ? x0 + plotWidth / 2.0 : x0 + plotWidth * index / (double) (count - 1);
    }
}
